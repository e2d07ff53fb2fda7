import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { config, proxy } from "@/proxy";
import { cookieHeaderTooLarge, MAX_COOKIE_HEADER_LENGTH, MAX_COOKIE_PAIRS } from "@/lib/http/request-limits";

const cookies = (count: number, name = (i: number) => `c${i}`) =>
  Array.from({ length: count }, (_, i) => `${name(i)}=v`).join("; ");
// The testing helper builds the Cookie header from `cookies` (and overwrites one given in `headers`).
const runs = (url: string, headers: Record<string, string> = {}, cookieJar: Record<string, string> = {}) =>
  unstable_doesMiddlewareMatch({ config, url, headers, cookies: cookieJar });

describe("the cookie cap", () => {
  it("accepts no cookie header, a few cookies, and exactly the most pairs allowed", () => {
    expect(cookieHeaderTooLarge(null)).toBe(false);
    expect(cookieHeaderTooLarge("")).toBe(false);
    expect(cookieHeaderTooLarge("__Host-lokdown_session=abc; theme=dark")).toBe(false);
    expect(cookieHeaderTooLarge(cookies(MAX_COOKIE_PAIRS))).toBe(false);
  });

  it("refuses one pair too many, and a header longer than the limit however few its pairs", () => {
    expect(cookieHeaderTooLarge(cookies(MAX_COOKIE_PAIRS + 1))).toBe(true);
    expect(cookieHeaderTooLarge(cookies(2600, (i) => `${String.fromCharCode(97 + (i % 26))}${i % 10}`))).toBe(true);
    expect(cookieHeaderTooLarge(`big=${"x".repeat(MAX_COOKIE_HEADER_LENGTH)}`)).toBe(true);
  });

  it("the proxy answers a cookie flood with a JSON 431 before anything else", async () => {
    const request = new NextRequest("http://localhost/api/health", { headers: { cookie: cookies(1500) } });
    const response = proxy(request);
    expect(response.status).toBe(431);
    expect(await response.json()).toEqual({
      error: "Request header fields too large",
      code: "request_header_too_large",
    });
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("lets an ordinary page request through with its CSP nonce", () => {
    const response = proxy(new NextRequest("http://localhost/login", { headers: { cookie: cookies(5) } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
  });
});

describe("where the proxy runs", () => {
  it("on every page, and on every request with a cookie, wherever Next would parse it", () => {
    for (const url of ["/", "/login", "/account/security", "/oauth/complete", "/dev/mail"])
      expect(runs(url), url).toBe(true);
    for (const url of ["/api", "/api/health", "/api/me", "/api/auth/login"])
      expect(runs(url, {}, { a: "b" }), url).toBe(true);
  });

  it("on API requests with an Origin (CORS, CSRF) or a server action", () => {
    expect(runs("/api/auth/login", { origin: "https://evil.example" })).toBe(true);
    expect(runs("/api/me", { "next-action": "abc" })).toBe(true);
  });

  it("not for build assets, nor for API calls that carry only a bearer token or an API key", () => {
    expect(runs("/_next/static/chunks/main.js")).toBe(false);
    expect(runs("/_next/static/css/app.css", {}, { a: "b" })).toBe(false);
    expect(runs("/api/health")).toBe(false);
    expect(runs("/api/me", { authorization: "Bearer x.y.z" })).toBe(false);
    expect(runs("/api/me", { authorization: "Api-Key lk_abc" })).toBe(false);
  });
});
