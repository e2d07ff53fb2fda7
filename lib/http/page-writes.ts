const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A state-changing request to a page (not the JSON API) sent from another origin: a form on
 * someone else's site posting to ours, with or without our cookies. Pages take writes only through
 * their own server actions, so such a request has no legitimate sender; Next would answer it with
 * a 500 (its server-action origin check throws), the proxy answers 403 JSON instead. Without
 * Origin (older browsers, non-browser clients) Fetch Metadata decides when present.
 */
export function isCrossOriginPageWrite(method: string, headers: Headers, ownOrigins: readonly string[]): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  const origin = headers.get("origin");
  if (origin !== null) return !ownOrigins.includes(origin);
  const site = headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}
