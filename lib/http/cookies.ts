import "server-only";
import { RequestCookies, stringifyCookie } from "next/dist/compiled/@edge-runtime/cookies";
import { cookies } from "next/headers";
import { settings } from "@/lib/env";

/**
 * Every cookie this app sets carries the same attributes, and a deletion must carry them too:
 * browsers ignore a Set-Cookie for a `__Host-` or `__Secure-` name without `Secure` (RFC 6265bis
 * §4.1.3), so a bare `cookies().delete(name)` leaves the cookie in place (issue 18.5).
 */
export type CookieAttributes = { httpOnly: true; secure: boolean; sameSite: "lax"; path: "/" };

const PREFIXED = /^__(Host|Secure)-/;

/** The attributes a cookie of this name is set and deleted with. */
export function cookieAttributes(name: string): CookieAttributes {
  return { httpOnly: true, secure: settings.production || PREFIXED.test(name), sameSite: "lax", path: "/" };
}

/** Deletes a cookie through next/headers (server actions, route handlers, pages that may write). */
export async function deleteCookie(name: string): Promise<void> {
  (await cookies()).set(name, "", { ...cookieAttributes(name), maxAge: 0, expires: new Date(0) });
}

/** A Set-Cookie value for responses built by hand, serialised as Next's cookies().set serialises one. */
export function setCookieHeader(name: string, value: string, maxAgeSeconds: number): string {
  return stringifyCookie({ name, value, ...cookieAttributes(name), maxAge: maxAgeSeconds });
}

/** The same deletion as a raw Set-Cookie value, for responses built by hand. */
export function deletionSetCookie(name: string): string {
  return stringifyCookie({ name, value: "", ...cookieAttributes(name), maxAge: 0, expires: new Date(0) });
}

/**
 * A request's cookies, name to URL-decoded value, parsed as Next's cookies() parses them: for code
 * that holds only the request's headers.
 */
export function requestCookies(headers: Headers): Map<string, string> {
  return new Map(new RequestCookies(headers).getAll().map((c) => [c.name, c.value]));
}

/** One cookie of a request (see requestCookies). */
export function requestCookie(headers: Headers, name: string): string | null {
  return new RequestCookies(headers).get(name)?.value ?? null;
}
