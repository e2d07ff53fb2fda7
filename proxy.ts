import { NextResponse, type NextRequest } from "next/server";
import { fail } from "@/lib/auth/errors";
import { settings } from "@/lib/env";
import { cookieHeaderTooLarge } from "@/lib/http/request-limits";
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
import { configuredSource } from "@/lib/auth/request/client-address";
import { UnknownClientGuard } from "@/lib/http/unknown-client";

import { errorResponse } from "@/lib/http/respond";

const unknownClients = new UnknownClientGuard();

/**
 * Runs before pages, and before API requests that carry a cookie, an Origin or a server action
 * (config.matcher): a cap on the Cookie header, a fresh CSP nonce for pages, CORS for the JSON API
 * and a CSRF guard for cookie-authenticated writes. The headers that do not depend on the request
 * come from next.config.ts. Never an authentication decision: every page, action and route
 * handler checks who is calling itself.
 */
export function proxy(request: NextRequest): Response {
  // Before anything reads the cookies: Next's own cookie handling is quadratic in their number.
  if (cookieHeaderTooLarge(request.headers.get("cookie"))) return errorJson("request_header_too_large");

  const { pathname } = request.nextUrl;
  const api = pathname === "/api" || pathname.startsWith("/api/");

  if (unknownClients.check(pathname, request.headers, settings.production, configuredSource(settings))) {
    return errorJson("client_address_unknown");
  }

  if (api && isPreflight(request.method, request.headers)) {
    const allowed = corsPreflightHeaders(request.headers.get("origin"), settings.corsOrigins);
    if (!allowed) return withHeaders(errorJson("cors_origin_not_allowed"), { vary: "Origin" });
    return withHeaders(new NextResponse(null, { status: 204 }), {
      ...baseSecurityHeaders(settings.production),
      ...allowed,
      vary: "Origin",
    });
  }

  if (
    isCrossOriginCookieWrite(
      request.method,
      request.headers,
      ownOrigins(settings.webauthn.origins, request.nextUrl.host),
    )
  ) {
    return errorJson("cross_origin_request");
  }
  // A form posted to a page from another site, even without our cookies: 403, never Next's 500.
  if (
    !api &&
    isCrossOriginPageWrite(request.method, request.headers, ownOrigins(settings.webauthn.origins, request.nextUrl.host))
  ) {
    return errorJson("cross_origin_request");
  }

  if (api) {
    // The docs page sets its own CSP; JSON needs none. Vary: Origin comes from next.config.ts.
    const cors = corsHeaders(request.headers.get("origin"), settings.corsOrigins);
    return cors ? withHeaders(NextResponse.next(), cors) : NextResponse.next();
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
  return withHeaders(NextResponse.next({ request: { headers: requestHeaders } }), { "content-security-policy": csp });
}

/** The proxy's own answers: catalogue JSON, never stored, with the base headers (the request ends here). */
function errorJson(
  code: "cors_origin_not_allowed" | "cross_origin_request" | "client_address_unknown" | "request_header_too_large",
): Response {
  return withHeaders(errorResponse(fail(code)), baseSecurityHeaders(settings.production));
}

function withHeaders<R extends Response>(response: R, headers: Record<string, string>): R {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [
    // Pages and every other non-API route; never build assets (/_next/static, /_next/image).
    "/((?!api/|api$|_next/static/|_next/image).*)",
    // The JSON API only when there is something to do: a Cookie header (Next would parse it; it
    // may authenticate a write), an Origin (CORS, CSRF) or a server action. Bearer and API-key
    // calls from servers carry none of these and go straight to their route.
    { source: "/api/:path*", has: [{ type: "header", key: "cookie" }] },
    { source: "/api/:path*", has: [{ type: "header", key: "origin" }] },
    { source: "/api/:path*", has: [{ type: "header", key: "next-action" }] },
  ],
};
