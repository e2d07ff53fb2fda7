import "server-only";
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { COMMON_PASSWORDS } from "./common-passwords";

// scrypt with N=2^15, r=8, p=1 (OWASP's recommended minimum): ~32 MiB and tens of ms per hash.
const COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } satisfies ScryptOptions;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize("NFKC"), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Format: scrypt$N$r$p$salt$hash (base64url parts), so the cost can change without a migration. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, COST);
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const key = await scrypt(password, Buffer.from(salt, "base64url"), { N: Number(n), r: Number(r), p: Number(p), maxmem: COST.maxmem });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummyHash: Promise<string> | undefined;
/**
 * Runs a full hash comparison for an account that does not exist, so that unknown users and wrong
 * passwords take the same time (no user enumeration by timing).
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await dummyHash);
}

export type PasswordProblem = "too_short" | "too_long" | "same_as_username" | "common";

export const PASSWORD_PROBLEMS: Record<PasswordProblem, string> = {
  too_short: "This password is too short. It must contain at least 8 characters.",
  too_long: "This password is too long. It must contain at most 128 characters.",
  same_as_username: "The password is too similar to the username.",
  common: "This password is too common.",
};

/** NIST SP 800-63B rules: length, not the username, not a known common password; no composition rules. */
export function checkPasswordStrength(password: string, username: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < 8) problems.push("too_short");
  if (length > 128) problems.push("too_long");
  const lowered = password.toLowerCase();
  const name = username.toLowerCase();
  if (name.length >= 3 && (lowered.includes(name) || name.includes(lowered))) problems.push("same_as_username");
  if (COMMON_PASSWORDS.has(lowered)) problems.push("common");
  return problems;
}
