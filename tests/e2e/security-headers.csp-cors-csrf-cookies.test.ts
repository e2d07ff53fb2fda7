import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Browser, Request as BrowserRequest } from "playwright-core";
import { launchBrowser, newContext } from "../helpers/browser";
import { clearRateLimits } from "../helpers/e2e-database";
import { startAppServer, type AppServer } from "../helpers/server";
import { signUp } from "../helpers/e2e-flows";

/**
 * Browser security of a production server: the headers on every response, a nonce CSP the UI
 * works under (and that does block an injected script), cookie flags, CSRF refusal of foreign
 * origins, CORS only for the allowlist, and client addresses that a forged X-Forwarded-For cannot
 * change.
 */

const ALLOWED = "https://app.example.com";
const LOGIN_LIMIT = 20;

let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  app = await startAppServer({
    LOKDOWN_SIGNUP_ENABLED: "true",
    LOKDOWN_CORS_ORIGINS: ALLOWED,
    LOGIN_INIT_RATE_LIMIT: `${LOGIN_LIMIT}/m`,
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

// This server allows only LOGIN_LIMIT sign-ins a minute from one address, and earlier files signed in from it too.
beforeEach(clearRateLimits);

const policy = (header: string | null) =>
  new Map(
    (header ?? "")
      .split(/;\s*/)
      .filter(Boolean)
      .map((d) => [d.split(" ")[0] ?? "", d.split(" ").slice(1)] as const),
  );

describe("security headers", () => {
  it("pages: a strict CSP with a fresh nonce on every script, HSTS, nosniff, referrer and permissions policies", async () => {
    const [first, second] = await Promise.all([fetch(`${app.baseURL}/login`), fetch(`${app.baseURL}/login`)]);
    const csp = policy(first.headers.get("content-security-policy"));
    const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(csp.get("script-src")?.[1] ?? "")?.[1];
    expect(nonce).toBeDefined();
    expect(policy(second.headers.get("content-security-policy")).get("script-src")?.[1]).not.toBe(`'nonce-${nonce}'`);
    expect(csp.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect([...csp.values()].flat()).not.toContain("'unsafe-inline'");
    expect([...csp.values()].flat()).not.toContain("'unsafe-eval'");
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'self'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("img-src")).toEqual(["'self'", "data:"]);
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(first.headers.get("strict-transport-security")).toMatch(/^max-age=\d+; includeSubDomains$/);
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    expect(first.headers.get("permissions-policy")).toContain("publickey-credentials-get=(self)");
    expect(first.headers.get("permissions-policy")).toContain("camera=()");
    expect(first.headers.get("x-powered-by")).toBeNull();
  });

  it("the JSON API and static assets carry the base headers too", async () => {
    const api = await fetch(`${app.baseURL}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(api.status).toBe(400);
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.headers.get("cache-control")).toBe("no-store");
    expect(api.headers.get("strict-transport-security")).not.toBeNull();
    const html = await (await fetch(`${app.baseURL}/login`)).text();
    const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${app.baseURL}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

/** POST with a chunked body (no Content-Length): the server learns the size only by reading. */
function postChunked(path: string, bytes: number): Promise<{ status: number; body: string }> {
  const url = new URL(path, app.baseURL);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/json" },
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    const chunk = Buffer.alloc(256 * 1024, "a");
    req.write('{"username":"');
    for (let sent = 0; sent < bytes; sent += chunk.length) req.write(chunk);
    req.end('"}');
  });
}

describe("request bodies through the real server", () => {
  it("an oversize streamed body is a 413 JSON error, not buffered whole", async () => {
    for (const size of [100 * 1024, 5 * 1024 * 1024]) {
      const res = await postChunked("/api/auth/login", size);
      expect(res.status, String(size)).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ code: "payload_too_large" });
    }
  });
});

describe("the UI under the CSP", () => {
  it("signs up, enrolls an authenticator (QR as a data: image), toggles the theme and signs out without a single violation", async () => {
    const { context, page, problems } = await newContext(browser, app.baseURL);
    const username = `csp${Date.now().toString(36)}`;
    await signUp(page, username, "content security passphrase");
    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    const qr = page.locator('img[src^="data:image/png;base64,"]').first();
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.getByRole("button", { name: /theme/ }).click();
    expect(await page.evaluate(() => document.cookie)).toMatch(/theme=/);
    await page.goto("/no-such-page");
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await page.goto("/account");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login?signed_out=1");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("blocks markup injected into a page (the classic XSS payload), and reports it", async () => {
    const { context, page, problems } = await newContext(browser, app.baseURL);
    await page.goto("/login");
    await page.evaluate(() => {
      const box = document.createElement("div");
      box.innerHTML = '<img src="data:," onerror="window.__injected = true">';
      document.body.append(box);
    });
    await expect.poll(() => problems.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    expect(problems.join("\n")).toMatch(/Content Security Policy/);
    await context.close();
  });
});

describe("cookies", () => {
  it("session cookies are __Host-, httpOnly, Secure and SameSite=Lax; only the theme is readable by scripts", async () => {
    const { context, page } = await newContext(browser, app.baseURL);
    await signUp(page, `ck${Date.now().toString(36)}`, "cookie jar passphrase");
    await page.getByRole("button", { name: /theme/ }).click();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "__Host-lokdown_session");
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax", path: "/" });
    expect(session?.domain).toBe("localhost");
    // 32 random bytes, base64url: far beyond the 64 bits of entropy a session token needs.
    expect(session?.value).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    for (const cookie of cookies) {
      if (cookie.name === "theme") {
        expect(cookie.value).toMatch(/^(light|dark|system)$/);
        expect(cookie.sameSite).toBe("Lax");
      } else {
        expect(cookie, cookie.name).toMatchObject({ httpOnly: true, sameSite: "Lax" });
      }
    }
    await context.close();
  });
});

describe("CSRF", () => {
  it("a replayed sign-in server action works from our origin and is refused with 403 from any other", async () => {
    const { context, page } = await newContext(browser, app.baseURL);
    const username = `csrf${Date.now().toString(36)}`;
    const password = "cross site passphrase";
    await signUp(page, username, password);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login?signed_out=1");
    await page.getByLabel("Username or email").fill(username);
    await page.getByLabel("Password").fill(password);
    const captured = page.waitForRequest(
      (r: BrowserRequest) => r.method() === "POST" && Boolean(r.headers()["next-action"]),
    );
    await page.getByRole("button", { name: "Sign in" }).click();
    const action = await captured;
    await page.waitForURL("**/account");
    const replay = (origin: string, cookie?: string) =>
      fetch(action.url(), {
        method: "POST",
        redirect: "manual",
        headers: {
          "next-action": action.headers()["next-action"] ?? "",
          "next-router-state-tree": action.headers()["next-router-state-tree"] ?? "",
          "content-type": action.headers()["content-type"] ?? "",
          accept: "text/x-component",
          origin,
          ...(cookie ? { cookie } : {}),
        },
        body: new Uint8Array(action.postDataBuffer() ?? Buffer.alloc(0)),
      });
    const foreign = await replay("https://evil.example");
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: "cross_origin_request" });
    expect(foreign.headers.get("set-cookie")).toBeNull();
    const own = await replay(app.baseURL);
    expect(own.status).toBeLessThan(400);
    expect(own.headers.get("set-cookie") ?? "").toMatch(/__Host-lokdown_session=/);

    // A write carrying the session cookie from another origin never reaches a page or handler.
    const session = (await context.cookies()).find((c) => c.name === "__Host-lokdown_session");
    const cookie = `__Host-lokdown_session=${session?.value}`;
    const write = await fetch(`${app.baseURL}/account/security`, {
      method: "POST",
      headers: { origin: "https://evil.example", cookie },
      body: "x=1",
      redirect: "manual",
    });
    expect(write.status).toBe(403);
    const sibling = await fetch(`${app.baseURL}/account/security`, {
      method: "POST",
      headers: { "sec-fetch-site": "same-site", cookie },
      body: "x=1",
      redirect: "manual",
    });
    expect(sibling.status).toBe(403);
    // The session survived all of it.
    const account = await fetch(`${app.baseURL}/account`, { headers: { cookie }, redirect: "manual" });
    expect(account.status).toBe(200);
    await context.close();
  });
});

describe("CORS for the JSON API", () => {
  it("answers preflights for the allowlisted origin only, never with credentials, never a wildcard", async () => {
    const preflight = (origin: string) =>
      fetch(`${app.baseURL}/api/auth/login`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    const allowed = await preflight(ALLOWED);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
    expect(allowed.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();
    for (const origin of ["https://evil.example", `${ALLOWED}.evil.example`, "null"]) {
      const refused = await preflight(origin);
      expect(refused.status).toBe(403);
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    }
    const simple = (origin: string) => fetch(`${app.baseURL}/api/health`, { headers: { origin } });
    expect((await simple(ALLOWED)).headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect((await simple("https://evil.example")).headers.get("access-control-allow-origin")).toBeNull();
    expect((await simple("https://evil.example")).headers.get("vary")).toMatch(/Origin/);
  });
});

/** A request from a loopback address of our choosing: a client the server has never seen. */
function loginFrom(localAddress: string, forwardedFor: string): Promise<number> {
  const url = new URL("/api/auth/login", app.baseURL);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: url.port,
        path: url.pathname,
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    // A new username each time: the per-account backoff is not what this test is about.
    req.end(
      JSON.stringify({ username: `nobody-${Math.random().toString(36).slice(2)}`, password: "spoofing passphrase" }),
    );
  });
}

describe("client addresses (LOKDOWN_TRUSTED_PROXIES=0)", () => {
  it("a random X-Forwarded-For on every request does not escape the per-IP limit: the socket address counts", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_LIMIT + 2; i++) {
      const forged = `${1 + (i % 223)}.${(i * 7) % 256}.${(i * 13) % 256}.${(i * 31) % 256}, 10.0.0.${i % 256}`;
      statuses.push(await loginFrom("127.0.0.5", forged));
    }
    expect(statuses.slice(0, LOGIN_LIMIT)).toEqual(Array(LOGIN_LIMIT).fill(401));
    expect(statuses.slice(LOGIN_LIMIT)).toEqual([429, 429]);
    // Another socket address is another client.
    expect(await loginFrom("127.0.0.6", "203.0.113.1")).toBe(401);
  });
});
