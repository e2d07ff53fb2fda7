/**
 * Return paths (`?next=`, a form's `next` field): the one check every redirect target passes.
 * Pure, so the property tests can run it without a server.
 */

/** Longer than any path this app links to; a bound keeps the check cheap. */
const MAX_RETURN_PATH_LENGTH = 2048;

/** Resolving against a host nobody can own tells "stays on this site" from "leaves it". */
const PROBE_ORIGIN = "http://return-path.invalid";

/**
 * Raw control characters (C0, DEL, C1) and backslashes never appear in a path this app makes; a
 * browser drops tabs and newlines and reads `\` as `/`, so either can turn `/\t/x` or `/\x` into
 * `//x` after the check.
 */
const UNSAFE_RAW = /[\u0000-\u001f\u007f-\u009f\\]/;

/** Slashes, backslashes and control characters hidden by percent-encoding (once or more). */
const UNSAFE_ENCODED = /%(?:25)*(?:2f|5c|[01][0-9a-f]|7f)/i;

/**
 * A same-site path ("/account?tab=2") for a redirect, else `fallback`. It validates the path
 * AFTER normalising it as a browser would (`/./`, `/x/../` and `%2e` segments collapse), so
 * `/.//evil.com` or `/x/..//evil.com` cannot become `//evil.com` once checked. Refused: anything
 * not starting with one `/`, `//` or `/\` after normalising, backslashes, control characters
 * (raw, or encoded in the path), encoded slashes in the path; fragments are dropped.
 */
export function safeReturnPath(value: unknown, fallback = "/account"): string {
  if (typeof value !== "string" || value.length > MAX_RETURN_PATH_LENGTH) return fallback;
  if (!value.startsWith("/") || UNSAFE_RAW.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN) return fallback;
  return isSafeNormalisedPath(url.pathname, url.search) ? `${url.pathname}${url.search}` : fallback;
}

/**
 * The post-normalisation rule on its own: one leading slash, no escapes. Encoded slashes count only
 * in the path (a query may carry `next=%2Faccount`, which is checked again where it is used).
 */
function isSafeNormalisedPath(pathname: string, search: string): boolean {
  const path = `${pathname}${search}`;
  if (!pathname.startsWith("/") || pathname.startsWith("//") || UNSAFE_RAW.test(path) || UNSAFE_ENCODED.test(pathname))
    return false;
  // Re-parsed, the output must be itself: a browser that normalises again lands where we checked.
  try {
    const again = new URL(path, PROBE_ORIGIN);
    return again.origin === PROBE_ORIGIN && `${again.pathname}${again.search}` === path;
  } catch {
    return false;
  }
}
