import "server-only";
import { decodeJwt } from "jose";
import { z } from "zod";
import { settings } from "@/lib/env";
import { cookieAttributes, deletionSetCookie, requestCookie, setCookieHeader } from "@/lib/http/cookies";
import { randomToken, sha256Hex } from "../secrets";
import { signToken, verifyToken } from "../signed-token";

/**
 * Binds a provider sign-in to the browser that started it (login CSRF, RFC 9700 §4.7): starting
 * one sets a __Host- cookie holding a signed token (lib/auth/signed-token.ts) that ties a random
 * nonce to the authorization's `state` for 15 minutes. The provider callback is accepted only with
 * a nonce bound to its state; the hand-off it leaves (OAuthSignIn) records the nonce's hash, and
 * /oauth/complete, the SPA bridge and the link flow use it up. A hand-off or a callback URL carried to another browser finds no nonce
 * there, and no sibling subdomain can plant a __Host- cookie.
 */

/** As long as next-auth's own state and PKCE cookies live (15 minutes). */
export const BROWSER_NONCE_SECONDS = 15 * 60;

export function browserNonceCookieName(): string {
  return `${settings.production ? "__Host-" : ""}lokdown_oauth_nonce`;
}

const NonceClaims = z.object({ nonce: z.string().regex(/^[\w-]{43}$/), state: z.string() });

/** The attributes the cookie is set with (Lax: the provider sends the browser back with a top-level GET from its own site). */
export function browserNonceCookieOptions(maxAge: number): ReturnType<typeof cookieAttributes> & { maxAge: number } {
  return { ...cookieAttributes(browserNonceCookieName()), maxAge };
}

/** A fresh nonce bound to the authorization's `state`: the cookie value to set. */
export async function newBrowserNonce(state: string, now = new Date()): Promise<string> {
  const expiresAt = new Date(now.getTime() + BROWSER_NONCE_SECONDS * 1000);
  return signToken("oauth-browser-nonce", { nonce: randomToken(32), state: sha256Hex(state) }, expiresAt, now);
}

/** The Set-Cookie header value that starts the binding. */
export function browserNonceSetCookie(value: string): string {
  return setCookieHeader(browserNonceCookieName(), value, BROWSER_NONCE_SECONDS);
}

/** The Set-Cookie header value that ends it, with the attributes it was set with. */
export function endBrowserNonceCookie(): string {
  return deletionSetCookie(browserNonceCookieName());
}

/**
 * At the provider callback: the nonce of this browser when it was issued for this very `state`,
 * else null (no nonce, a tampered or expired one, or one from another authorization).
 */
export async function nonceForState(headers: Headers, state: string | null, now = new Date()): Promise<string | null> {
  const cookie = requestCookie(headers, browserNonceCookieName());
  if (!cookie || !state) return null;
  const claims = await verifyToken("oauth-browser-nonce", cookie, NonceClaims, now);
  return claims && claims.state === sha256Hex(state) ? claims.nonce : null;
}

/**
 * The nonce this browser holds, for matching against a hand-off's stored hash. Its signature is
 * not checked here: only the nonce issued for that hand-off matches the hash, forged or not.
 */
export function readBrowserNonce(headers: Headers): string | null {
  const cookie = requestCookie(headers, browserNonceCookieName());
  if (!cookie) return null;
  try {
    const nonce = decodeJwt(cookie).nonce;
    return typeof nonce === "string" && /^[\w-]{43}$/.test(nonce) ? nonce : null;
  } catch {
    return null;
  }
}

export function browserNonceHash(nonce: string): string {
  return sha256Hex(`oauth-browser-nonce:${nonce}`);
}

/** The `state` parameter of a provider authorization URL, or null. */
export function stateOfAuthorizationUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).searchParams.get("state");
  } catch {
    return null;
  }
}
