import { NextResponse, type NextRequest } from "next/server";
import { fail } from "@/lib/auth/errors";
import { settings } from "@/lib/env";
import {
  baseSecurityHeaders,
  contentSecurityPolicy,
  corsHeaders,
  corsPreflightHeaders,
  isCrossOriginCookieWrite,
  isPreflight,
  newNonce,
  ownOrigins,
} from "@/lib/http/security-headers";
import { isCrossOriginPageWrite } from "@/lib/http/page-writes";
import { configuredSource } from "@/lib/auth/client-address";
import { UnknownClientGuard } from "@/lib/http/unknown-client";

const unknownClients = new UnknownClientGuard();
import { errorResponse } from "@/lib/http/respond";

/**
 * Runs before every request: security headers, a fresh CSP nonce for pages, CORS for the JSON
 * API and a CSRF guard for cookie-authenticated writes. Never an authentication decision: every
 * page, action and route handler checks who is calling itself.
 */
export function proxy(request: NextRequest): Response {
  const { pathname } = request.nextUrl;
  const api = pathname === "/api" || pathname.startsWith("/api/");
  const base = baseSecurityHeaders(settings.production);

  if (unknownClients.check(pathname, request.headers, settings.production, configuredSource(settings))) {
    return withHeaders(errorJson("client_address_unknown"), base);
  }

  if (api && isPreflight(request.method, request.headers)) {
    const allowed = corsPreflightHeaders(request.headers.get("origin"), settings.corsOrigins);
    if (!allowed) return withHeaders(errorJson("cors_origin_not_allowed"), { ...base, vary: "Origin" });
    return withHeaders(new NextResponse(null, { status: 204 }), { ...base, ...allowed, vary: "Origin" });
  }

  if (isCrossOriginCookieWrite(request.method, request.headers, ownOrigins(settings.webauthn.origins, request.nextUrl.host))) {
    return withHeaders(errorJson("cross_origin_request"), base);
  }
  // A form posted to a page from another site, even without our cookies: 403, never Next's 500.
  if (!api && isCrossOriginPageWrite(request.method, request.headers, ownOrigins(settings.webauthn.origins, request.nextUrl.host))) {
    return withHeaders(errorJson("cross_origin_request"), base);
  }

  if (api) {
    // The docs page sets its own CSP; JSON needs none. Vary: responses differ by Origin.
    const cors = corsHeaders(request.headers.get("origin"), settings.corsOrigins) ?? {};
    return withHeaders(NextResponse.next(), { ...base, ...cors, vary: "Origin" });
  }

  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, {
    development: !settings.production,
    upgradeInsecureRequests: settings.production && settings.webauthn.origins.every((o) => o.startsWith("https://")),
  });
  // Next reads the nonce from the request's CSP header and puts it on every script it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  return withHeaders(NextResponse.next({ request: { headers: requestHeaders } }), { ...base, "content-security-policy": csp });
}

function errorJson(code: "cors_origin_not_allowed" | "cross_origin_request" | "client_address_unknown"): Response {
  return errorResponse(fail(code));
}

function withHeaders<R extends Response>(response: R, headers: Record<string, string>): R {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Every path, build assets included (they get nosniff and the rest; the CSP is harmless there).
  matcher: "/:path*",
};
