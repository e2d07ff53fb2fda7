import "server-only";
import { hkdfSync } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload } from "jose";
import type { z } from "zod";
import { settings } from "@/lib/env";

/**
 * Every signed value this app hands a browser (cookies, links in mail) is a compact JWS (HS256)
 * made here. Each purpose signs with its own key, derived from AUTH_SECRET with HKDF, and names
 * itself in the `typ` header: a token of one kind is never accepted as another, even if a bug
 * asked for the wrong purpose. jose checks the signature (in constant time), the algorithm, the
 * `typ` and the expiry against the caller's clock. The API's access and refresh tokens are JWTs
 * of their own (lib/auth/sessions/tokens.ts), with the issuer and audience django-lokdown clients expect.
 */

export type SignedTokenPurpose = "trusted-browser" | "oauth-link-intent" | "oauth-browser-nonce" | "security-link";

const ALGORITHM = "HS256";
/** Longer than any token made here (a security link with an e-mail undo stays near 1 KB); refused before parsing. */
const MAX_TOKEN_LENGTH = 4096;

function keyFor(purpose: SignedTokenPurpose): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", settings.authSecret, "lokdown signed token", purpose, 32));
}

const typeOf = (purpose: SignedTokenPurpose) => `lokdown-${purpose}+jwt`;

/** Signs `claims` for one purpose, valid from `now` until `expiresAt`. */
export async function signToken(
  purpose: SignedTokenPurpose,
  claims: JWTPayload,
  expiresAt: Date,
  now: Date,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, typ: typeOf(purpose) })
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(keyFor(purpose));
}

/**
 * The claims of a token of this purpose, parsed with `claims`, when its signature is genuine and
 * it has not expired at `now`; null for anything else (tampered, another purpose, another key,
 * expired, malformed, or claims that do not parse).
 */
export async function verifyToken<T>(
  purpose: SignedTokenPurpose,
  token: string,
  claims: z.ZodType<T>,
  now: Date,
): Promise<T | null> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keyFor(purpose), {
      algorithms: [ALGORITHM],
      typ: typeOf(purpose),
      currentDate: now,
      requiredClaims: ["exp", "iat"],
    }));
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
    throw error;
  }
  const parsed = claims.safeParse(payload);
  return parsed.success ? parsed.data : null;
}
