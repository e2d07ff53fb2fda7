import "server-only";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { settings } from "@/lib/env";

/** URL-safe random string with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/**
 * Keyed hash for high-entropy bearer secrets (API keys, backup codes): fast enough to run on every
 * request, useless to someone holding only a database dump. `purpose` separates the key per use.
 */
export function keyedHash(purpose: string, value: string): string {
  const key = createHmac("sha256", settings.authSecret).update(`lokdown:${purpose}`).digest();
  return createHmac("sha256", key).update(value).digest("hex");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // Compare equal-length buffers so the timing does not reveal where they differ.
  return left.length === right.length && timingSafeEqual(left, right);
}
