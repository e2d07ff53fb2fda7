import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, needsReencryption } from "@/lib/auth/encryption";

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

describe("AES-256-GCM secret encryption", () => {
  it("round-trips and never contains the plaintext", () => {
    const stored = encryptSecret(SECRET, [newKey]);
    expect(stored).not.toContain(SECRET);
    expect(stored.startsWith("v1.")).toBe(true);
    expect(decryptSecret(stored, [newKey])).toBe(SECRET);
  });

  it("uses a fresh IV each time, so equal secrets give different ciphertexts", () => {
    const a = encryptSecret(SECRET, [newKey]);
    const b = encryptSecret(SECRET, [newKey]);
    expect(a).not.toBe(b);
    expect(decryptSecret(a, [newKey])).toBe(decryptSecret(b, [newKey]));
  });

  it("does not reveal the key in the stored value", () => {
    const stored = encryptSecret(SECRET, [newKey]);
    expect(stored).not.toContain(newKey.toString("base64url"));
    expect(stored).not.toContain(newKey.toString("base64"));
  });

  it("decrypts a value made with the old key when the old key is second in the list", () => {
    const stored = encryptSecret(SECRET, [oldKey]);
    expect(decryptSecret(stored, [newKey, oldKey])).toBe(SECRET);
  });

  it("encrypts with the first key of the list", () => {
    const stored = encryptSecret(SECRET, [newKey, oldKey]);
    expect(decryptSecret(stored, [newKey])).toBe(SECRET);
    expect(() => decryptSecret(stored, [oldKey])).toThrow(/No configured LOKDOWN_ENCRYPTION_KEY/);
  });

  it("throws when no configured key matches", () => {
    const stored = encryptSecret(SECRET, [oldKey]);
    expect(() => decryptSecret(stored, [newKey])).toThrow();
  });

  it("throws on a tampered ciphertext, tag or IV", () => {
    const stored = encryptSecret(SECRET, [newKey]);
    const parts = stored.split(".");
    for (const index of [2, 3, 4]) {
      const tampered = [...parts];
      const bytes = Buffer.from(tampered[index] ?? "", "base64url");
      bytes[0] = (bytes[0] ?? 0) ^ 0x01;
      tampered[index] = bytes.toString("base64url");
      expect(() => decryptSecret(tampered.join("."), [newKey])).toThrow();
    }
  });

  it("throws on values that are not in the stored format", () => {
    for (const bad of ["", SECRET, "v2.a.b.c.d", "v1.onlythree.parts", "gAAAAABlegacyfernet"]) {
      expect(() => decryptSecret(bad, [newKey])).toThrow();
    }
  });

  it("refuses to encrypt without a key", () => {
    expect(() => encryptSecret(SECRET, [])).toThrow(/no key/);
  });

  it("needsReencryption is true only for values made with an older key", () => {
    const current = encryptSecret(SECRET, [newKey]);
    const old = encryptSecret(SECRET, [oldKey]);
    expect(needsReencryption(current, [newKey, oldKey])).toBe(false);
    expect(needsReencryption(old, [newKey, oldKey])).toBe(true);
    expect(needsReencryption(old, [oldKey, newKey])).toBe(false);
  });
});
