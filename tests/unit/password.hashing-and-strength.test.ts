import { describe, expect, it } from "vitest";
import { burnPasswordCheck, checkPasswordStrength, hashPassword, verifyPassword } from "@/lib/auth/password";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored.startsWith("scrypt$")).toBe(true);
    expect(stored).not.toContain("correct horse");
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts every hash", async () => {
    const [a, b] = await Promise.all([hashPassword("same password here"), hashPassword("same password here")]);
    expect(a).not.toBe(b);
  });

  it("normalises Unicode (NFKC) so the same text typed differently verifies", async () => {
    const stored = await hashPassword("caf\u00e9 au lait 42");
    expect(await verifyPassword("cafe\u0301 au lait 42", stored)).toBe(true);
  });

  it("refuses malformed stored values instead of throwing", async () => {
    for (const stored of ["", "plain", "scrypt$1$2", "pbkdf2_sha256$600000$salt$hash"]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
    }
  });

  it("burnPasswordCheck completes without a stored hash", async () => {
    await expect(burnPasswordCheck("whatever")).resolves.toBeUndefined();
  });
});

describe("password strength rules", () => {
  it("accepts a long passphrase", () => {
    expect(checkPasswordStrength("correct horse battery staple", "alice")).toEqual([]);
  });

  it("needs at least 8 characters (code points, not bytes)", () => {
    expect(checkPasswordStrength("Ab3$xyz", "alice")).toContain("too_short");
    expect(checkPasswordStrength("Ab3$xyzq", "alice")).not.toContain("too_short");
    expect(checkPasswordStrength("\u{1F600}".repeat(7), "alice")).toContain("too_short");
  });

  it("refuses more than 128 characters", () => {
    expect(checkPasswordStrength("x".repeat(129) + "unique", "alice")).toContain("too_long");
    expect(checkPasswordStrength("q7!".repeat(42) + "zz", "alice")).not.toContain("too_long");
  });

  it("refuses the username, in any case, and passwords containing it", () => {
    expect(checkPasswordStrength("bobsmith", "bobsmith")).toContain("same_as_username");
    expect(checkPasswordStrength("BOBSMITH", "bobsmith")).toContain("same_as_username");
    expect(checkPasswordStrength("bobsmith-2024!", "bobsmith")).toContain("same_as_username");
  });

  it("refuses common passwords, case-insensitively", () => {
    expect(checkPasswordStrength("password", "alice")).toContain("common");
    expect(checkPasswordStrength("PASSWORD", "alice")).toContain("common");
    expect(checkPasswordStrength("12345678", "alice")).toContain("common");
  });

  it("has no composition rules (NIST 800-63B)", () => {
    expect(checkPasswordStrength("all lower case words here", "alice")).toEqual([]);
  });
});
