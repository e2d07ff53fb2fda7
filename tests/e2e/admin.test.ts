import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { generate } from "otplib";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newContext, screenshot } from "../helpers/browser";
import { startAppServer, type AppServer } from "../helpers/server";

/**
 * The admin area in Chromium, on an app instance of its own with a fresh database, so the first
 * admin (ADMIN_USERNAME) is ours: it promotes users who signed up without 2FA, who then meet the
 * admin area's own second-factor gate and first-time setup (TOTP, and a passkey through the
 * DevTools virtual authenticator).
 */
const ROOT = { username: "root-admin", password: "amber kettle violet 71" };
const PASSWORD = "plain user passphrase 42";

let app: AppServer;
let browser: Browser;
let root: { context: BrowserContext; page: Page; problems: string[] };
let dropDatabase: () => Promise<void> = async () => {};

const codeFor = (secret: string, offset = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;

/** A new database on the e2e PostgreSQL server (the app migrates it on start). */
async function freshDatabase(): Promise<string> {
  const base = new URL(process.env.DATABASE_URL ?? "");
  const name = `lokdown_admin_e2e_${randomBytes(4).toString("hex")}`;
  const adminUrl = new URL(base);
  adminUrl.pathname = "/postgres";
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  dropDatabase = async () => {
    const c = new pg.Client({ connectionString: adminUrl.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  };
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function api(path: string, options: { body?: unknown; token?: string; apiKey?: string; method?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "admin-e2e" };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers.authorization = `Api-Key ${options.apiKey}`;
  const res = await fetch(`${app.baseURL}${path}`, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

async function signUp(page: Page, username: string) {
  await page.goto("/signup");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email").fill(`${username}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Confirm password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/account/security?welcome=1");
}

/** The root admin opens the user's admin page and makes them staff. */
async function promote(username: string) {
  const { page } = root;
  await page.goto(`/admin/users?q=${username}`);
  await page.getByRole("link", { name: username, exact: true }).click();
  await page.getByRole("heading", { name: username }).waitFor();
  await page.getByRole("button", { name: "Make staff" }).click();
  await page.getByText("Now staff.").waitFor();
}

beforeAll(async () => {
  app = await startAppServer({
    DATABASE_URL: await freshDatabase(),
    ADMIN_USERNAME: ROOT.username,
    ADMIN_PASSWORD: ROOT.password,
    LOKDOWN_SIGNUP_ENABLED: "true",
    LOKDOWN_API_KEYS_ENABLED: "true",
    LOGIN_INIT_RATE_LIMIT: "1000/m",
  });
  browser = await launchBrowser();
  root = await newContext(browser, app.baseURL);
  // The first admin signs in and enrolls at the login step, then lands in the admin area.
  const { page } = root;
  await page.goto("/login?next=%2Fadmin");
  await page.getByLabel("Username or email").fill(ROOT.username);
  await page.getByLabel("Password").fill(ROOT.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL("**/2fa**");
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").getAttribute("data-secret")) ?? "";
  await page.getByLabel("Code from the app").fill(await codeFor(secret));
  await page.getByRole("button", { name: "Verify and turn on" }).click();
  await page.getByRole("button", { name: /continue/ }).click();
  await page.waitForURL((url) => url.pathname === "/admin");
  await page.getByRole("heading", { name: "Security dashboard" }).waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await dropDatabase();
});

describe("admin area in Chromium", () => {
  it("a user made staff meets the second-factor gate and sets up TOTP in one click, keeps the codes, and lands on the dashboard", async () => {
    const { context, page, problems } = await newContext(browser, app.baseURL);
    const username = unique("alice");
    await signUp(page, username);
    // A non-staff user gets a plain 404 and no Admin link.
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).count()).toBe(0);
    expect((await page.goto("/admin"))?.status()).toBe(404);

    await promote(username);
    await page.goto("/account");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
    await page.waitForURL("**/admin/verify?next=%2Fadmin");
    await page.getByRole("heading", { name: "Protect your staff account" }).waitFor();
    await screenshot(page, "admin-first-time-setup");

    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    const secret = (await page.getByTestId("totp-secret").getAttribute("data-secret")) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel("Code from the app").fill("000000");
    await page.getByRole("button", { name: "Verify and turn on" }).click();
    await page.getByText("Invalid TOTP token").waitFor();
    // The same secret stays on screen after a typo (W25).
    expect(await page.getByTestId("totp-secret").getAttribute("data-secret")).toBe(secret);
    await page.getByLabel("Code from the app").fill(await codeFor(secret));
    await page.getByRole("button", { name: "Verify and turn on" }).click();
    await page.getByText("Two-factor authentication is on and this session is verified").waitFor();
    const codes = await page.getByTestId("backup-code").allTextContents();
    expect(codes).toHaveLength(8);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download .txt" }).click(),
    ]);
    const text = readFileSync((await download.path()) ?? "", "utf8");
    for (const code of codes) expect(text).toContain(code);
    await screenshot(page, "admin-setup-backup-codes");

    await page.getByRole("button", { name: /continue to the dashboard/ }).click();
    await page.waitForURL((url) => url.pathname === "/admin");
    await page.getByRole("heading", { name: "Security dashboard" }).waitFor();
    // Signed in the whole time (django-lokdown sent the user back to the login: W24).
    await page.goto("/admin/users");
    await page.getByRole("heading", { name: "Users" }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("first-time setup with a passkey, through the virtual authenticator", async () => {
    const { context, page, problems } = await newContext(browser, app.baseURL);
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const username = unique("bob");
    await signUp(page, username);
    await promote(username);
    await page.goto("/admin/users");
    await page.waitForURL("**/admin/verify?next=%2Fadmin%2Fusers");
    await page.getByRole("button", { name: "Set up a passkey" }).click();
    await page.getByText("Two-factor authentication is on and this session is verified").waitFor();
    expect(await page.getByTestId("backup-code").count()).toBe(8);
    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download .txt" }).click(),
    ]);
    expect(readFileSync((await download.path()) ?? "", "utf8")).toContain(`Backup codes for ${username}`);
    await page.getByRole("button", { name: /continue to the dashboard/ }).click();
    await page.waitForURL("**/admin/users");
    await page.getByRole("heading", { name: "Users" }).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });

  it("a staff user revokes another user's API key and resets a user's 2FA", async () => {
    const username = unique("carol");
    expect(
      (await api("/api/auth/register", { body: { username, email: `${username}@example.com`, password: PASSWORD } }))
        .status,
    ).toBe(201);
    const login = await api("/api/auth/login", { body: { username, password: PASSWORD } });
    const token = login.json.access_token as string;
    const created = await api("/api/auth/api-keys", { token, body: { name: "carol laptop" } });
    expect(created.status).toBe(201);
    const apiKey = created.json.api_key as string;
    const setup = await api("/api/auth/2fa/setup/totp", { token, body: {} });
    const secret = setup.json.secret as string;
    expect(
      (await api("/api/auth/2fa/verify/totp", { token, body: { totp_token: await codeFor(secret) } })).status,
    ).toBe(200);
    expect((await api("/api/me", { apiKey })).status).toBe(200);
    for (let i = 0; i < 3; i++) await api("/api/auth/login", { body: { username, password: "wrong password" } });

    const { page, problems } = root;
    await page.goto(`/admin/api-keys?q=${username}`);
    await page.getByRole("checkbox", { name: new RegExp(`of ${username}$`) }).check();
    await page.getByRole("button", { name: "Revoke selected" }).click();
    await page.getByText("1 API key revoked.").waitFor();
    expect((await api("/api/me", { apiKey })).status).toBe(401);
    await screenshot(page, "admin-api-keys");

    await page.goto(`/admin/users?q=${username}`);
    await page.getByRole("link", { name: username, exact: true }).click();
    await page.getByLabel("Reason").first().fill("Lost phone, support ticket 1234");
    await page.getByRole("button", { name: "Reset 2FA" }).click();
    await page.getByText("Two-factor authentication was reset").waitFor();
    await screenshot(page, "admin-user-detail");
    // The next password sign-in needs no second factor.
    const after = await api("/api/auth/login", { body: { username, password: PASSWORD } });
    expect(after.json.requires_2fa).toBe(false);
    await page.goto(`/admin/events?q=admin.2fa_reset`);
    await page.getByText("reason=Lost phone, support ticket 1234").waitFor();
    expect(problems).toEqual([]);
  });

  it("shows the dashboard in light and dark mode", async () => {
    const { context, page, problems } = root;
    await page.goto("/admin?window=30d");
    await page.getByRole("heading", { name: "Security dashboard" }).waitFor();
    expect(await page.getByRole("img", { name: /Sign-ins and failed attempts per day/ }).count()).toBe(1);
    expect(await page.getByRole("img", { name: "2FA adoption over time" }).count()).toBe(1);
    expect(await page.getByRole("img", { name: "Factor mix" }).count()).toBe(1);
    expect(await page.getByTestId("score-formula").textContent()).toContain("score = 50·A + 30·S + 20·B − P");
    await screenshot(page, "admin-dashboard-light");
    await context.addCookies([{ name: "theme", value: "dark", url: app.baseURL }]);
    await page.reload();
    await page.getByRole("heading", { name: "Security dashboard" }).waitFor();
    await screenshot(page, "admin-dashboard-dark");
    await page.goto("/admin/users");
    await screenshot(page, "admin-users-dark");
    await context.addCookies([{ name: "theme", value: "light", url: app.baseURL }]);
    // A phone: the navigation becomes a strip above the page and tables scroll sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/admin?window=7d");
    await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Users" }).waitFor();
    // Nothing in the admin content is wider than the screen (tables scroll inside their own box).
    expect(await page.evaluate(() => (document.querySelector("main")?.scrollWidth ?? 0) <= window.innerWidth)).toBe(
      true,
    );
    await page.goto("/admin/sessions");
    expect(await page.evaluate(() => (document.querySelector("main")?.scrollWidth ?? 0) <= window.innerWidth)).toBe(
      true,
    );
    await page.goto("/admin?window=7d");
    await screenshot(page, "admin-dashboard-mobile");
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(problems).toEqual([]);
  });
});
