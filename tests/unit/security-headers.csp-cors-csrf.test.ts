import { describe, expect, it } from "vitest";
import { parseSettings } from "@/lib/env";
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

const directives = (policy: string) =>
  new Map(policy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)] as const));

describe("content security policy", () => {
  it("allows scripts only with this response's nonce: no 'unsafe-inline', no eval in production", () => {
    const policy = directives(
      contentSecurityPolicy("abc123==", { development: false, upgradeInsecureRequests: false }),
    );
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
    expect(policy.get("style-src")).toEqual(["'self'", "'nonce-abc123=='"]);
    for (const [, sources] of policy) {
      expect(sources).not.toContain("'unsafe-inline'");
      expect(sources).not.toContain("'unsafe-eval'");
      expect(sources).not.toContain("*");
    }
  });

  it("pins framing, plugins, base and form targets, and allows data: images for QR codes", () => {
    const policy = directives(contentSecurityPolicy("n", { development: false, upgradeInsecureRequests: true }));
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'self'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(policy.get("img-src")).toEqual(["'self'", "data:"]);
    expect(policy.has("upgrade-insecure-requests")).toBe(true);
  });

  it("adds eval only for next dev, and no upgrade over plain http", () => {
    const policy = directives(contentSecurityPolicy("n", { development: true, upgradeInsecureRequests: false }));
    expect(policy.get("script-src")).toContain("'unsafe-eval'");
    expect(policy.has("upgrade-insecure-requests")).toBe(false);
    // The dev overlay's injected styles carry no nonce: inline styles, but still never inline scripts.
    expect(policy.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
  });

  it("makes a fresh 128-bit nonce per call", () => {
    const nonces = new Set(Array.from({ length: 1000 }, () => newNonce()));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("base headers", () => {
  it("send nosniff, a referrer policy, a permissions policy with passkeys for ourselves only, and HSTS in production", () => {
    const production = baseSecurityHeaders(true);
    expect(production["x-content-type-options"]).toBe("nosniff");
    expect(production["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(production["x-frame-options"]).toBe("DENY");
    expect(production["strict-transport-security"]).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    const permissions = production["permissions-policy"]?.split(", ") ?? [];
    expect(permissions).toEqual(
      expect.arrayContaining([
        "camera=()",
        "microphone=()",
        "geolocation=()",
        "publickey-credentials-get=(self)",
        "publickey-credentials-create=(self)",
      ]),
    );
    expect(baseSecurityHeaders(false)["strict-transport-security"]).toBeUndefined();
  });
});

describe("CORS", () => {
  const allowed = ["https://app.example.com"];

  it("echoes only an exact allowlisted origin, without credentials", () => {
    expect(corsHeaders("https://app.example.com", allowed)?.["access-control-allow-origin"]).toBe(
      "https://app.example.com",
    );
    expect(corsHeaders("https://app.example.com", allowed)?.["access-control-allow-credentials"]).toBeUndefined();
    for (const origin of [
      "https://evil.example",
      "https://app.example.com.evil.example",
      "http://app.example.com",
      "null",
      "*",
      "",
      null,
    ]) {
      expect(corsHeaders(origin, allowed)).toBeNull();
    }
    expect(corsHeaders("https://app.example.com", [])).toBeNull();
  });

  it("reads LOKDOWN_CORS_ORIGINS as exact origins and refuses wildcards, paths and other schemes", () => {
    const base = { DATABASE_URL: "postgresql://x@127.0.0.1/x" };
    expect(parseSettings(base).corsOrigins).toEqual([]);
    expect(
      parseSettings({ ...base, LOKDOWN_CORS_ORIGINS: "https://a.example, http://localhost:5173" }).corsOrigins,
    ).toEqual(["https://a.example", "http://localhost:5173"]);
    for (const bad of ["*", "https://a.example/", "https://a.example/path", "ftp://a.example", "a.example", "null"]) {
      expect(() => parseSettings({ ...base, LOKDOWN_CORS_ORIGINS: bad }), bad).toThrow(/LOKDOWN_CORS_ORIGINS/);
    }
  });

  it("answers a preflight with the API's methods and headers only", () => {
    const headers = corsPreflightHeaders("https://app.example.com", allowed);
    expect(headers?.["access-control-allow-methods"]).toBe("GET, POST, PATCH, DELETE");
    expect(headers?.["access-control-allow-headers"]).toBe("Authorization, Content-Type");
    expect(corsPreflightHeaders("https://evil.example", allowed)).toBeNull();
    expect(
      isPreflight("OPTIONS", new Headers({ origin: "https://x.example", "access-control-request-method": "POST" })),
    ).toBe(true);
    expect(isPreflight("OPTIONS", new Headers({ origin: "https://x.example" }))).toBe(false);
    expect(
      isPreflight("POST", new Headers({ origin: "https://x.example", "access-control-request-method": "POST" })),
    ).toBe(false);
  });
});

describe("CSRF guard for cookie-authenticated writes", () => {
  const own = ["https://app.example.com"];
  const write = (headers: Record<string, string>, method = "POST") =>
    isCrossOriginCookieWrite(method, new Headers(headers), own);

  it("refuses a write that carries our session cookie from a foreign or opaque origin", () => {
    for (const cookie of ["lokdown_session=x", "__Host-lokdown_session=x", "theme=dark; lokdown_pending=y"]) {
      expect(write({ cookie, origin: "https://evil.example" })).toBe(true);
      expect(write({ cookie, origin: "null" })).toBe(true);
      expect(write({ cookie, origin: "https://app.example.com.evil.example" })).toBe(true);
    }
    for (const method of ["PUT", "PATCH", "DELETE"])
      expect(write({ cookie: "lokdown_session=x", origin: "https://evil.example" }, method)).toBe(true);
  });

  it("refuses a foreign server action call even without a cookie (login CSRF)", () => {
    expect(write({ "next-action": "abc", origin: "https://evil.example" })).toBe(true);
    expect(write({ "next-action": "abc", origin: "https://app.example.com" })).toBe(false);
  });

  it("counts the configured origins and the request's own host over either scheme as ours, nothing else", () => {
    const origins = ownOrigins(["https://app.example.com"], "internal:3000");
    expect(origins).toEqual(["https://app.example.com", "http://internal:3000", "https://internal:3000"]);
    const write = (origin: string) =>
      isCrossOriginCookieWrite("POST", new Headers({ cookie: "lokdown_session=x", origin }), origins);
    expect(write("https://internal:3000")).toBe(false);
    expect(write("https://internal:3001")).toBe(true);
    expect(write("https://internal")).toBe(true);
  });

  it("falls back to Fetch Metadata when a browser sends no Origin", () => {
    expect(write({ cookie: "lokdown_session=x", "sec-fetch-site": "cross-site" })).toBe(true);
    expect(write({ cookie: "lokdown_session=x", "sec-fetch-site": "same-site" })).toBe(true);
    expect(write({ cookie: "lokdown_session=x", "sec-fetch-site": "same-origin" })).toBe(false);
  });

  it("lets through our own origin, reads, and requests without our cookie (bearer-token API clients)", () => {
    expect(write({ cookie: "lokdown_session=x", origin: "https://app.example.com" })).toBe(false);
    expect(write({ cookie: "lokdown_session=x", origin: "https://evil.example" }, "GET")).toBe(false);
    expect(write({ cookie: "lokdown_session=x", origin: "https://evil.example" }, "HEAD")).toBe(false);
    expect(write({ origin: "https://evil.example", authorization: "Bearer x" })).toBe(false);
    expect(write({ cookie: "theme=dark; lokdown_sessionx=1", origin: "https://evil.example" })).toBe(false);
    expect(write({ cookie: "lokdown_session=x" })).toBe(false);
  });
});
