import "server-only";
import { settings } from "@/lib/env";
import { constantTimeEqual, keyedHash, randomToken, sha256Hex } from "./secrets";

/**
 * Binds a provider sign-in to the browser that started it (login CSRF, RFC 9700 §4.7): starting
 * one sets a __Host- cookie holding a random nonce and a MAC tying it to the authorization's
 * `state`. The provider callback is accepted only with a nonce bound to its state; the hand-off
 * it leaves (OAuthSignIn) records the nonce's hash, and /oauth/complete, the SPA bridge and the
 * link flow use it up. A hand-off or a callback URL carried to another browser finds no nonce
 * there, and no sibling subdomain can plant a __Host- cookie.
 */

/** As long as next-auth's own state and PKCE cookies live (15 minutes). */
export const BROWSER_NONCE_SECONDS = 15 * 60;

export function browserNonceCookieName(): string {
  return `${settings.production ? "__Host-" : ""}lokdown_oauth_nonce`;
}

const NONCE = /^[\w-]{43}$/;
const MAC = /^[0-9a-f]{64}$/;

const macFor = (nonce: string, state: string) => keyedHash("oauth-browser-nonce", `${nonce}.${sha256Hex(state)}`);

/** The attributes the cookie is set and deleted with (a __Host- deletion without Secure is ignored by browsers). */
export function browserNonceCookieOptions(maxAge: number): { httpOnly: true; secure: boolean; sameSite: "lax"; path: "/"; maxAge: number } {
  // Lax: the provider sends the browser back with a top-level GET from its own site.
  return { httpOnly: true, secure: settings.production, sameSite: "lax", path: "/", maxAge };
}

function serialize(name: string, value: string, maxAge: number): string {
  const options = browserNonceCookieOptions(maxAge);
  const expires = maxAge === 0 ? "; Expires=Thu, 01 Jan 1970 00:00:00 GMT" : "";
  return `${name}=${value}; Path=${options.path}; Max-Age=${maxAge}${expires}; HttpOnly; SameSite=Lax${options.secure ? "; Secure" : ""}`;
}

/** A fresh nonce bound to the authorization's `state`: the cookie value to set. */
export function newBrowserNonce(state: string): string {
  const nonce = randomToken(32);
  return `${nonce}.${macFor(nonce, state)}`;
}

/** The Set-Cookie header value that starts the binding. */
export function browserNonceSetCookie(value: string): string {
  return serialize(browserNonceCookieName(), value, BROWSER_NONCE_SECONDS);
}

/** The Set-Cookie header value that ends it, with the attributes it was set with. */
export function endBrowserNonceCookie(): string {
  return serialize(browserNonceCookieName(), "", 0);
}

function cookieValue(headers: Headers, name: string): string | null {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return null;
}

function parse(raw: string | null): { nonce: string; mac: string } | null {
  const [nonce = "", mac = "", ...rest] = (raw ?? "").split(".");
  return rest.length === 0 && NONCE.test(nonce) && MAC.test(mac) ? { nonce, mac } : null;
}

/**
 * At the provider callback: the nonce of this browser when it was issued for this very `state`,
 * else null (no nonce, a tampered one, or one from another authorization).
 */
export function nonceForState(headers: Headers, state: string | null): string | null {
  const cookie = parse(cookieValue(headers, browserNonceCookieName()));
  if (!cookie || !state) return null;
  return constantTimeEqual(cookie.mac, macFor(cookie.nonce, state)) ? cookie.nonce : null;
}

/** The nonce this browser holds, for matching against a hand-off's stored hash. */
export function readBrowserNonce(headers: Headers): string | null {
  return parse(cookieValue(headers, browserNonceCookieName()))?.nonce ?? null;
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
