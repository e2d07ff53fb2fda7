import { describe, expect, it } from "vitest";
import {
  BACKUP_CODE_ALPHABET,
  generateBackupCodeStrings,
  normalizeBackupCode,
} from "@/lib/auth/two-factor/backup-codes";
import { settings } from "@/lib/env";

describe("backup code format", () => {
  it("uses an alphabet without look-alike characters", () => {
    for (const c of ["0", "O", "1", "I", "L"]) expect(BACKUP_CODE_ALPHABET).not.toContain(c);
    expect(new Set(BACKUP_CODE_ALPHABET).size).toBe(BACKUP_CODE_ALPHABET.length);
    expect(BACKUP_CODE_ALPHABET).toMatch(/^[A-Z2-9]+$/);
  });

  it("generates BACKUP_CODES_COUNT (8) distinct codes of BACKUP_CODE_LENGTH (10) by default", () => {
    expect(settings.backupCodes).toEqual({ count: 8, length: 10 });
    const codes = generateBackupCodeStrings();
    expect(codes).toHaveLength(8);
    expect(new Set(codes).size).toBe(8);
    for (const code of codes) {
      expect(code).toHaveLength(10);
      for (const c of code) expect(BACKUP_CODE_ALPHABET).toContain(c);
    }
  });

  it("honours other counts and lengths", () => {
    const codes = generateBackupCodeStrings(12, 16);
    expect(codes).toHaveLength(12);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[${BACKUP_CODE_ALPHABET}]{16}$`));
  });

  it("uses every symbol of the alphabet over many codes (no skewed generator)", () => {
    const seen = new Set(generateBackupCodeStrings(32, 32).join(""));
    expect(seen.size).toBe(BACKUP_CODE_ALPHABET.length);
  });

  it("normalises case, dashes and spaces", () => {
    expect(normalizeBackupCode("abcd-efgh23")).toBe("ABCDEFGH23");
    expect(normalizeBackupCode("  AbCd EfGh 23 ")).toBe("ABCDEFGH23");
    expect(normalizeBackupCode("ab-cd-ef-gh-23")).toBe("ABCDEFGH23");
    expect(normalizeBackupCode("ABCDEFGH23")).toBe("ABCDEFGH23");
  });

  it("keeps distinct codes distinct", () => {
    expect(normalizeBackupCode("ABCDEFGH23")).not.toBe(normalizeBackupCode("ABCDEFGH24"));
  });
});
