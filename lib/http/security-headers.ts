import { RequestCookies } from "next/dist/compiled/@edge-runtime/cookies";

/**
 * Browser-facing security headers, as pure functions of the request and the settings so that
 * proxy.ts stays a few lines and the unit tests can pin every directive.
 */

export type PolicyOptions = {
  /**
   * `next dev` needs eval for React's debugging aids, and its overlay injects <style> tags
   * without the nonce; a production build needs neither.
   */
  development: boolean;
  /** Every configured origin is https: ask browsers to upgrade stray http subresources. */
  upgradeInsecureRequests: boolean;
};

/** 128 random bits, base64: unguessable per response, as a CSP nonce must be. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The page policy. Scripts run only with this response's nonce ('strict-dynamic' lets Next's
 * nonce'd loader pull its chunks); no inline event handlers, no eval in production. Styles come
 * from our style sheet or carry the nonce (Next adds it to the tags it inlines); React's own
 * `style` props are applied through the CSSOM after hydration, which CSP does not govern, so no
 * 'unsafe-inline' is needed. QR codes are data: images.
 */
export function contentSecurityPolicy(nonce: string, options: PolicyOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    // A nonce would make browsers ignore 'unsafe-inline', so development has none for styles.
    options.development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'self'",
    "manifest-src 'self'",
  ];
  if (options.upgradeInsecureRequests) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** Passkeys on our own pages only; no camera, microphone or location for anyone. */
export const PERMISSIONS_POLICY = [
  "camera=()",
  "microphone=()",
  "geolocation=()",
  "payment=()",
  "usb=()",
  "browsing-topics=()",
  "publickey-credentials-get=(self)",
  "publickey-credentials-create=(self)",
].join(", ");

/** Headers for every response, pages and API alike. HSTS only where TLS is the rule (production). */
export function baseSecurityHeaders(production: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": PERMISSIONS_POLICY,
    // Older browsers ignore frame-ancestors; this is their clickjacking guard.
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
  };
  if (production) headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

/** What a preflight may ask for: the API's methods and the two headers its clients send. */
export const CORS_ALLOWED_METHODS = "GET, POST, PATCH, DELETE";
export const CORS_ALLOWED_HEADERS = "Authorization, Content-Type";

/**
 * CORS for the JSON API. Only an exact origin from LOKDOWN_CORS_ORIGINS is echoed, never a
 * wildcard and never an arbitrary request origin; no credentials, because the API authenticates
 * with Authorization headers, not cookies. Null when the origin is not allowed.
 */
export function corsHeaders(origin: string | null, allowed: readonly string[]): Record<string, string> | null {
  if (!origin || !allowed.includes(origin)) return null;
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": "Retry-After, WWW-Authenticate",
  };
}

export function corsPreflightHeaders(origin: string | null, allowed: readonly string[]): Record<string, string> | null {
  const cors = corsHeaders(origin, allowed);
  if (!cors) return null;
  return {
    ...cors,
    "access-control-allow-methods": CORS_ALLOWED_METHODS,
    "access-control-allow-headers": CORS_ALLOWED_HEADERS,
    "access-control-max-age": "600",
  };
}

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export function isPreflight(method: string, headers: Headers): boolean {
  return method === "OPTIONS" && headers.has("origin") && headers.has("access-control-request-method");
}

/** The cookies that authenticate a browser (lib/auth/sessions/web-session.ts), with or without __Host-. */
const AUTH_COOKIE = /^(?:__Host-)?lokdown_(?:session|pending)$/;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF guard for everything a browser's cookies authenticate: a state-changing request that
 * carries our session cookie, or calls a server action, must come from one of our own origins.
 * Next checks server actions too (Origin against Host) but answers a 500; this answers 403 first
 * and also covers route handlers. SameSite=Lax already keeps the cookie off cross-site requests;
 * this closes the same-site, cross-origin gap (a sibling subdomain) and login CSRF.
 */
export function isCrossOriginCookieWrite(method: string, headers: Headers, ownOrigins: readonly string[]): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  // Next's own parser: the guard sees exactly the cookies the app's cookies() will read.
  const cookies = new RequestCookies(headers).getAll();
  if (!cookies.some((c) => AUTH_COOKIE.test(c.name)) && !headers.has("next-action")) return false;
  const origin = headers.get("origin");
  if (origin !== null) return !ownOrigins.includes(origin);
  // No Origin (older browsers on same-origin POSTs): fall back to Fetch Metadata when present.
  const site = headers.get("sec-fetch-site");
  return site !== null && site !== "same-origin" && site !== "none";
}

/**
 * Our own origins: the configured ones (WEBAUTHN_ORIGINS) and the host the request was addressed
 * to, over either scheme, since TLS often ends at a proxy in front of us. A browser cannot forge
 * Host, so this admits nobody else; set WEBAUTHN_ORIGINS when a proxy rewrites Host.
 */
export function ownOrigins(configured: readonly string[], requestHost: string): string[] {
  return [...new Set([...configured, `http://${requestHost}`, `https://${requestHost}`])];
}
