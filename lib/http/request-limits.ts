/**
 * Bounds on what one request may make the server parse. Next.js copies every request cookie into
 * its response-cookie list one at a time, re-serialising the list on each copy: quadratic in the
 * number of cookies, for every route handler, server action and page. 1,500 small cookies (12 KB)
 * cost ~670 ms of CPU. The proxy refuses such requests with 431 before Next parses them, counting
 * separators instead of parsing, so a refusal costs less than a normal request.
 */

/**
 * RFC 6265 §6.1 asks browsers to keep at least 50 cookies per domain; this app sets a handful, so
 * 60 pairs leaves room for a site's other cookies while keeping Next's copy cheap (~1 ms).
 */
export const MAX_COOKIE_PAIRS = 60;

/** Longest Cookie header accepted: 8 KB, the per-header line limit of common proxies (nginx). */
export const MAX_COOKIE_HEADER_LENGTH = 8 * 1024;

/** True when a Cookie header holds more pairs, or more characters, than the limits allow. */
export function cookieHeaderTooLarge(header: string | null): boolean {
  if (header === null) return false;
  if (header.length > MAX_COOKIE_HEADER_LENGTH) return true;
  let pairs = 1;
  for (let at = header.indexOf(";"); at !== -1; at = header.indexOf(";", at + 1)) {
    if (++pairs > MAX_COOKIE_PAIRS) return true;
  }
  return false;
}
