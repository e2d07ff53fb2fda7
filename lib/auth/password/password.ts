import "server-only";
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { availableParallelism } from "node:os";
import {
  hash as argon2Hash,
  parseOptions as argon2Options,
  verify as argon2Verify,
  type Algorithm,
  type Options as Argon2Options,
} from "@node-rs/argon2";
import { COMMON_PASSWORDS } from "./common-passwords";

// argon2id with OWASP's parameters (m = 19 MiB, t = 2, p = 1). `Algorithm` is a const enum that
// isolated modules cannot read, so its value is spelled here: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;
const ARGON2 = {
  algorithm: ARGON2ID,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} satisfies Argon2Options;

/**
 * How many password hashes run at once: one per CPU this process may use, and always one of libuv's
 * pool threads (UV_THREADPOOL_SIZE, default 4) left for the rest of its work (the driver's DNS
 * lookups, WebCrypto, file reads). More in parallel would not finish sooner, and each holds 19 MiB
 * while it runs; the others wait their turn here, in order.
 */
export const HASH_SLOTS = Math.max(
  1,
  Math.min(availableParallelism(), (Number(process.env.UV_THREADPOOL_SIZE) || 4) - 1),
);
let hashing = 0;
const waitingForSlot: (() => void)[] = [];

async function inHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing < HASH_SLOTS) hashing++;
  else await new Promise<void>((resolve) => waitingForSlot.push(resolve));
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, if any.
    const next = waitingForSlot.shift();
    if (next) next();
    else hashing--;
  }
}

/**
 * Stored as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), which names its own
 * parameters: a hash made under older parameters still verifies, and is replaced on the next
 * successful sign-in (needsRehash).
 */
export async function hashPassword(password: string): Promise<string> {
  return inHashSlot(() => argon2Hash(password.normalize("NFKC"), ARGON2));
}

/** Accepts the current argon2id format and the scrypt format used before it (scrypt$N$r$p$salt$hash). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith("$argon2id$")) {
    try {
      return await inHashSlot(() => argon2Verify(stored, password.normalize("NFKC")));
    } catch {
      return false; // malformed stored value
    }
  }
  if (stored.startsWith("scrypt$")) return inHashSlot(() => verifyScrypt(password, stored));
  return false;
}

/** True when a stored hash was made with another algorithm or other parameters than today's. */
export function needsRehash(stored: string): boolean {
  if (!stored.startsWith("$argon2id$")) return true;
  try {
    const used = argon2Options(stored);
    return (
      used.algorithm !== ARGON2.algorithm ||
      used.memoryCost !== ARGON2.memoryCost ||
      used.timeCost !== ARGON2.timeCost ||
      used.parallelism !== ARGON2.parallelism ||
      used.outputLen !== ARGON2.outputLen
    );
  } catch {
    return true;
  }
}

// The scrypt format hashes made before argon2id: N=2^15, r=8, p=1 at most 64 MiB, read only.
const SCRYPT_MAX_MEMORY = 64 * 1024 * 1024;
const SCRYPT_KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize("NFKC"), salt, SCRYPT_KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, n, r, p, salt, hash] = stored.split("$");
  if (!n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  try {
    const key = await scrypt(password, Buffer.from(salt, "base64url"), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: SCRYPT_MAX_MEMORY,
    });
    return key.length === expected.length && timingSafeEqual(key, expected);
  } catch {
    return false; // parameters the stored value names that scrypt refuses
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Runs a full hash comparison for an account that does not exist, so that unknown users and wrong
 * passwords take the same time (no user enumeration by timing). The dummy is made with today's
 * parameters, so it costs what a current user's check costs.
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
