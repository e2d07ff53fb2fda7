import type { Browser, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { browserForFile, SCREENSHOT_DIR } from "../helpers/browser";
import { freshDatabase } from "../helpers/e2e-database";
import { signIn } from "../helpers/e2e-flows";
import { startAppServer, type AppServer } from "../helpers/server";

/**
 * The main pages open with a clean browser console — no error of any kind (CSP violations, failed
 * loads such as a missing /favicon.ico, React errors) — in production and under `npm run dev`,
 * where the CSP must let the Next.js dev overlay work. Each mode gets an app of its own on a fresh
 * database, with a first admin who may open the admin area without a second factor (so the
 * dashboard is reachable without an enrollment detour).
 */
const ADMIN = { username: "console-admin", password: "quiet console passphrase 7" };
const PAGES = ["/account", "/account/security", "/admin"] as const;

const browser = browserForFile();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function startApp(dev: boolean): Promise<AppServer> {
  const database = await freshDatabase(dev ? "lokdown_console_dev" : "lokdown_console_prod");
  cleanups.push(database.drop);
  const app = await startAppServer(
    {
      DATABASE_URL: database.url,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      ADMIN_2FA_REQUIRED: "false",
      LOKDOWN_SIGNUP_ENABLED: "true",
    },
    { dev },
  );
  cleanups.push(app.stop);
  return app;
}

/**
 * A screenshot that leaves the DOM alone: Playwright's default hides the caret with an inline style,
 * which a page that has not hydrated yet (next dev is slow) reports as a hydration mismatch.
 */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, caret: "initial" });
}

/** Every console error and uncaught page error, as text. */
function recordErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${page.url()} console: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`${page.url()} page error: ${error.message}`));
  return errors;
}

async function visitMainPages(b: Browser, app: AppServer, mode: string): Promise<string[]> {
  const context = await b.newContext({ baseURL: app.baseURL, viewport: { width: 1280, height: 860 } });
  try {
    const page = await context.newPage();
    // next dev compiles a page on its first request: wait for its load event, however long that takes here.
    if (mode === "development") {
      page.setDefaultNavigationTimeout(120_000);
      page.setDefaultTimeout(120_000);
    }
    const errors = recordErrors(page);
    await page.goto("/signup");
    await page.getByRole("button", { name: "Create account" }).waitFor();
    await screenshot(page, `console-${mode}-signup`);
    await signIn(page, ADMIN.username, ADMIN.password);
    await page.waitForURL((url) => url.pathname.startsWith("/account"));
    for (const path of PAGES) {
      await page.goto(path);
      expect(new URL(page.url()).pathname).toBe(path);
      await page.getByRole("heading").first().waitFor();
      await screenshot(page, `console-${mode}-${path.slice(1).replaceAll("/", "-")}`);
    }
    return errors;
  } finally {
    await context.close();
  }
}

describe("a clean browser console on the main pages", () => {
  it("in production", async () => {
    const app = await startApp(false);
    expect(await visitMainPages(browser(), app, "production")).toEqual([]);
  });

  // `next dev` compiles each page on its first request: slow on a busy machine, never a fixed sleep.
  it("in development (npm run dev)", { timeout: 300_000 }, async () => {
    const app = await startApp(true);
    expect(await visitMainPages(browser(), app, "development")).toEqual([]);
  });
});
