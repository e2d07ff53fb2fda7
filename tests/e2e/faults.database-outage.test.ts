import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startEmbeddedPostgres } from "../../scripts/lib/database.mjs";
import { launchBrowser, newContext } from "../helpers/browser";
import { startAppServer, type AppServer } from "../helpers/server";

/**
 * The database goes away under a running production server and comes back on the same port: in
 * between, every request answers quickly (503 JSON with Retry-After, or the friendly error page),
 * and afterwards the same process serves again without a restart.
 */

type Postgres = Awaited<ReturnType<typeof startEmbeddedPostgres>>;

const DATA_DIR = path.resolve(".data", "fault-postgres");
const DATABASE = "lokdown_faults";
const LIMIT_MS = 5_000;

let postgres: Postgres;
let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  postgres = await startEmbeddedPostgres({ dataDir: DATA_DIR, databaseNames: [DATABASE], fresh: true });
  app = await startAppServer({ DATABASE_URL: postgres.urlFor(DATABASE), LOKDOWN_SIGNUP_ENABLED: "true" });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await postgres?.stop();
});

async function timed(path: string, init: RequestInit = {}) {
  const started = performance.now();
  const response = await fetch(`${app.baseURL}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, ms: performance.now() - started };
}

const jsonPost = (body: unknown, token?: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

function expectUnavailable(res: Awaited<ReturnType<typeof timed>>, what: string) {
  const where = `${what}: ${res.status} in ${Math.round(res.ms)} ms ${res.text.slice(0, 120)}`;
  expect(res.ms, where).toBeLessThan(LIMIT_MS);
  expect(res.status, where).toBe(503);
  expect(res.headers.get("content-type"), where).toMatch(/^application\/json/);
  expect(JSON.parse(res.text), where).toMatchObject({ code: "database_unavailable", error: expect.any(String) });
  expect(Number(res.headers.get("retry-after")), where).toBeGreaterThan(0);
}

describe("the database stops and comes back", () => {
  it("answers 503 with Retry-After fast, shows a friendly page, and recovers without a restart", async () => {
    const username = `fault${Date.now().toString(36)}`;
    const password = "outage survival passphrase";
    expect(
      (await timed("/api/auth/register", jsonPost({ username, email: `${username}@example.com`, password }))).status,
    ).toBe(201);
    const login = await timed("/api/auth/login", jsonPost({ username, password }));
    const { access_token: access, refresh_token: refresh } = JSON.parse(login.text) as {
      access_token: string;
      refresh_token: string;
    };

    // A page already open in the browser, to submit its form while the database is down.
    const { context, page } = await newContext(browser, app.baseURL);
    await page.goto("/login");
    await page.getByLabel("Username or email").fill(username);
    await page.getByLabel("Password").fill(password);

    await postgres.stop();

    expectUnavailable(await timed("/api/auth/login", jsonPost({ username, password })), "password login");
    expectUnavailable(await timed("/api/me", { headers: { authorization: `Bearer ${access}` } }), "authenticated read");
    // A well-formed refresh token (a signed JWT) still needs its row: a malformed one is refused without the database.
    expectUnavailable(await timed("/api/auth/token/refresh", jsonPost({ refresh })), "refresh");
    // Liveness does not depend on the database.
    expect((await timed("/api/health")).status).toBe(200);

    // A page that needs the database (the header reads the session) answers fast, leaks nothing,
    // and the browser shows the friendly page (app/global-error.tsx replaces the failed layout).
    const cookie = "__Host-lokdown_session=not-a-real-session";
    const pageRes = await timed("/", { headers: { cookie } });
    expect(pageRes.ms).toBeLessThan(LIMIT_MS);
    expect(pageRes.status).toBe(500);
    expect(pageRes.text).not.toMatch(/ECONNREFUSED|DatabaseNotReachable|Prisma|at .+\.js:\d+/);
    const other = await newContext(browser, app.baseURL);
    await other.page.setExtraHTTPHeaders({ cookie });
    await other.page.goto("/");
    await other.page.getByText("Something went wrong on our side").waitFor({ timeout: LIMIT_MS });
    expect(other.problems).toEqual([]);
    await other.context.close();

    // A form submitted while the database is down shows the error boundary, not a blank page.
    const submitted = performance.now();
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Something went wrong on our side").waitFor({ timeout: LIMIT_MS + 2_000 });
    expect(performance.now() - submitted).toBeLessThan(LIMIT_MS + 2_000);

    postgres = await startEmbeddedPostgres({ dataDir: DATA_DIR, databaseNames: [DATABASE], port: postgres.port });

    // The pool drops the dead connections and opens new ones: the same process serves again.
    expect((await timed("/api/me", { headers: { authorization: `Bearer ${access}` } })).status).toBe(200);
    expect((await timed("/api/auth/login", jsonPost({ username, password }))).status).toBe(200);

    await page.goto("/login");
    await page.getByLabel("Username or email").fill(username);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/account");
    await context.close();
  }, 180_000);
});
