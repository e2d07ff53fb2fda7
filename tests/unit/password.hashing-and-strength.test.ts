import { describe, expect, it } from "vitest";
import { hash as argon2Hash } from "@node-rs/argon2";
import {
  burnPasswordCheck,
  checkPasswordStrength,
  hashPassword,
  needsRehash,
  verifyPassword,
} from "@/lib/auth/password/password";
import { legacyScryptHash } from "../helpers/legacy-password";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("correct horse battery staple");
    // argon2id with OWASP's parameters, named in the stored value (PHC string).
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
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
    for (const stored of [
      "",
      "plain",
      "scrypt$1$2",
      "scrypt$3$8$1$c2FsdA$aGFzaA",
      "pbkdf2_sha256$600000$salt$hash",
      "$argon2id$v=19$m=19456",
      "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
    ]) {
      expect(await verifyPassword("anything", stored)).toBe(false);
    }
  });

  it("still verifies the scrypt hashes stored before argon2id, and marks them for rehashing", async () => {
    const stored = legacyScryptHash("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(needsRehash(stored)).toBe(true);
  });

  it("marks argon2id hashes made with other parameters for rehashing, and today's not", async () => {
    expect(needsRehash(await hashPassword("a passphrase of some length"))).toBe(false);
    const weaker = await argon2Hash("a passphrase of some length", { memoryCost: 4096, timeCost: 3, parallelism: 1 });
    expect(await verifyPassword("a passphrase of some length", weaker)).toBe(true);
    expect(needsRehash(weaker)).toBe(true);
    expect(needsRehash("$argon2id$garbage")).toBe(true);
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
