import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import { isCrossOriginPageWrite } from "@/lib/http/page-writes";

/**
 * Issue 15.8: a no-JavaScript form on another site posted to one of our pages (no cookies, no
 * Next-Action header, just the form body) is refused by the proxy with 403 JSON instead of
 * reaching Next, which answered 500.
 */
const SITE = "http://localhost:3000";
const post = (path: string, headers: Record<string, string>) =>
  proxy(
    new NextRequest(new URL(path, SITE), {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x", ...headers },
      body: "--x--",
    }),
  );

describe("the proxy refuses cross-origin writes to pages", () => {
  it.each(["/login", "/forgot-password", "/reset-password", "/secure-account", "/account/security", "/admin/users/1"])(
    "POST %s from another origin, no cookies: 403 JSON",
    async (path) => {
      const senders: Record<string, string>[] = [
        { origin: "https://evil.example" },
        { origin: "null" },
        { "sec-fetch-site": "cross-site" },
        { "sec-fetch-site": "same-site" },
      ];
      for (const headers of senders) {
        const response = post(path, headers);
        expect(response.status, JSON.stringify(headers)).toBe(403);
        expect(response.headers.get("content-type")).toMatch(/application\/json/);
        expect(await response.json()).toEqual({ error: "Cross-origin request refused", code: "cross_origin_request" });
      }
    },
  );

  it("lets same-origin posts, origin-less posts and cross-origin reads through", () => {
    expect(post("/login", { origin: SITE }).status).not.toBe(403);
    expect(post("/login", { "sec-fetch-site": "same-origin" }).status).not.toBe(403);
    expect(post("/login", {}).status).not.toBe(403);
    expect(
      proxy(new NextRequest(new URL("/login", SITE), { headers: { origin: "https://evil.example" } })).status,
    ).not.toBe(403);
  });

  it("the decision is a pure function of method, headers and our origins", () => {
    const own = [SITE];
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"])
      expect(isCrossOriginPageWrite(method, new Headers({ origin: "https://evil.example" }), own)).toBe(true);
    for (const method of ["GET", "HEAD", "OPTIONS"])
      expect(isCrossOriginPageWrite(method, new Headers({ origin: "https://evil.example" }), own)).toBe(false);
    expect(isCrossOriginPageWrite("POST", new Headers({ origin: SITE }), own)).toBe(false);
    expect(isCrossOriginPageWrite("POST", new Headers({ "sec-fetch-site": "none" }), own)).toBe(false);
  });
});
