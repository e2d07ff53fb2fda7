import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { settings } from "@/lib/env";

/**
 * AES-256-GCM for secrets that must be read back (TOTP secrets, OAuth client secrets).
 * LOKDOWN_ENCRYPTION_KEY is a comma-separated list: the first key encrypts, every key decrypts,
 * so keys rotate by putting a new one first and re-encrypting at leisure.
 * Format: v1.<key id>.<iv>.<tag>.<ciphertext>, all base64url; the key id is a hash prefix, never the key.
 */
const keyId = (key: Buffer) => createHash("sha256").update(key).digest("base64url").slice(0, 8);

export function encryptSecret(plaintext: string, keys: readonly Buffer[] = settings.encryptionKeys): string {
  const key = keys[0];
  if (!key) throw new Error("LOKDOWN_ENCRYPTION_KEY holds no key");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    "v1",
    keyId(key),
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

/** Throws when no configured key opens the value: a lost key must be loud, not a silent 2FA reset. */
export function decryptSecret(stored: string, keys: readonly Buffer[] = settings.encryptionKeys): string {
  const [version, id, iv, tag, ciphertext] = stored.split(".");
  if (version !== "v1" || !id || !iv || !tag || ciphertext === undefined)
    throw new Error("Unrecognised encrypted value");
  const key = keys.find((k) => keyId(k) === id);
  if (!key) throw new Error(`No configured LOKDOWN_ENCRYPTION_KEY matches key id ${id}`);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

/** True when the value was encrypted with an older key and should be re-encrypted. */
export function needsReencryption(stored: string, keys: readonly Buffer[] = settings.encryptionKeys): boolean {
  const current = keys[0];
  return !current || stored.split(".")[1] !== keyId(current);
}
