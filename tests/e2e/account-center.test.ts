import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, screenshot } from "../helpers/browser";
import { startAppServer, type AppServer } from "../helpers/server";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { signIn, signOut, signUp, totpCode as codeFor } from "../helpers/e2e-flows";

/**
 * The account security center in a real browser, against a production server of its own that
 * sends mail to an SMTP server started here (the suite's shared server has none).
 */
let browser: Browser;
let smtp: TestSmtpServer;
let server: AppServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  [browser, server] = await Promise.all([
    launchBrowser(),
    startAppServer({
      LOKDOWN_SIGNUP_ENABLED: "true",
      LOGIN_INIT_RATE_LIMIT: "1000/m",
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: "Account center test <security@example.com>",
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop(), smtp?.stop()]);
});

const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

/** A browser profile that fails the test on page errors and CSP violations. */
async function open(
  options: { userAgent?: string; colorScheme?: "light" | "dark" } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    baseURL: server.baseURL,
    viewport: { width: 1280, height: 860 },
    colorScheme: options.colorScheme ?? "light",
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text()))
      problems.push(`csp: ${message.text()}`);
  });
  return { context, page, problems };
}

let counter = 0;
const newName = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter += 1)}`;

/** Enrolls TOTP on the security page; returns the secret and the backup codes shown. */
async function enrollTotp(page: Page): Promise<{ secret: string; backupCodes: string[] }> {
  await page.goto("/account/security");
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  const secret = (await page.getByTestId("totp-secret").getAttribute("data-secret")) ?? "";
  await page.getByLabel("Code from the app").fill(await codeFor(secret));
  await page.getByRole("button", { name: "Verify and turn on" }).click();
  await page.getByText("Your authenticator app is set up").waitFor();
  return { secret, backupCodes: await page.getByTestId("backup-code").allTextContents() };
}

describe("account security center", () => {
  it("shows both sessions of two browsers, signs the other out, and that browser is signed out", async () => {
    const username = newName("sess");
    const password = "two browsers one account";
    const a = await open();
    const b = await open({ userAgent: FIREFOX_WINDOWS });
    await signUp(a.page, username, password);
    await signIn(b.page, username, password);
    await b.page.waitForURL("**/account");

    await a.page.goto("/account/sessions");
    const rows = a.page.getByTestId("session-row");
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    const mine = a.page.locator('[data-testid="session-row"][data-current="true"]');
    await mine.getByText("This browser").waitFor();
    const other = a.page.locator('[data-testid="session-row"][data-current="false"]');
    expect(await other.getByTestId("session-device").textContent()).toBe("Firefox 128 on Windows 10");
    expect(await other.textContent()).toContain("127.0.0.1");
    await screenshot(a.page, "account-sessions");
    await a.page.emulateMedia({ colorScheme: "dark" });
    await screenshot(a.page, "account-sessions-dark");
    await a.page.emulateMedia({ colorScheme: "light" });

    await a.page.getByRole("button", { name: "Sign out Firefox 128 on Windows 10" }).click();
    await a.page.getByText("That session is signed out.").waitFor();
    expect(await a.page.getByTestId("session-row").count()).toBe(1);

    // The other browser's next request finds its session gone.
    await b.page.goto("/account");
    await b.page.waitForURL("**/login?next=%2Faccount");
    await b.page.getByRole("button", { name: "Sign in" }).waitFor();

    // That sign-in came from a device the account had not used: one e-mail said so.
    const notice = await smtp.waitFor(
      (m) => m.to.includes(`${username}@example.com`) && m.subject.includes("New sign-in"),
    );
    expect(notice.text).toContain("Firefox 128 on Windows 10");
    expect(smtp.to(`${username}@example.com`).filter((m) => m.subject.includes("New sign-in"))).toHaveLength(1);
    expect([...a.problems, ...b.problems]).toEqual([]);
    await Promise.all([a.context.close(), b.context.close()]);
  });

  it("trusts a browser at the 2FA step, skips the code next time, and asks again once it is revoked", async () => {
    const username = newName("trust");
    const password = "trust this laptop please";
    const { context, page, problems } = await open();
    await signUp(page, username, password);
    const { secret, backupCodes } = await enrollTotp(page);
    await signOut(page);

    await signIn(page, username, password);
    await page.waitForURL("**/2fa**");
    await page.getByLabel("Don't ask again on this browser for 30 days").check();
    await screenshot(page, "2fa-trust-browser");
    await page.getByLabel("Authentication code").fill(await codeFor(secret, 1));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL("**/account");
    await signOut(page);

    await signIn(page, username, password);
    await page.waitForURL("**/account");
    await page.goto("/account/sessions");
    const trusted = page.getByTestId("trusted-browser-row");
    expect(await trusted.count()).toBe(1);
    expect(await page.locator('[data-testid="session-row"][data-current="true"]').textContent()).toContain(
      "Password + trusted browser",
    );
    await screenshot(page, "account-sessions-trusted");
    await trusted.getByRole("button", { name: /Stop trusting/ }).click();
    await page.getByText("That browser will be asked for a code again.").waitFor();
    await page.getByTestId("no-trusted-browsers").waitFor();
    await signOut(page);

    await signIn(page, username, password);
    await page.waitForURL("**/2fa**");
    await page.getByRole("button", { name: "Use a backup code" }).click();
    await page.getByLabel("Backup code").fill(backupCodes[0] ?? "");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL("**/account");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("asks for the password in a dialog when a sensitive change needs a fresh sign-in, then makes the change", async () => {
    const username = newName("stepup");
    const password = "a password worth confirming";
    const { context, page, problems } = await open();
    await signUp(page, username, password);
    // As if the sign-in were an hour old: the step-up window has closed.
    const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(
        "UPDATE auth_sessions SET reauth_at = now() - interval '1 hour', password_at = now() - interval '1 hour' WHERE user_id = (SELECT id FROM users WHERE username = $1)",
        [username],
      );
    } finally {
      await db.end();
    }

    await page.goto("/account/profile");
    // The e-mail change: the password change carries the current password, which is itself the proof.
    const fill = async () => {
      await page.getByLabel("New email address").fill(`${username}-new@example.com`);
      await page.getByRole("button", { name: "Send confirmation link" }).click();
    };
    await fill();
    const dialog = page.getByRole("dialog", { name: "Confirm it's you" });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("password");
    await screenshot(page, "step-up-dialog");
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => Boolean(document.activeElement?.closest("dialog")))).toBe(true);
    }
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.getByText("Nothing was changed: confirm it's you to continue.").waitFor();

    await fill();
    await dialog.waitFor();
    await dialog.getByLabel("Password").fill("not my password");
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await dialog.getByText("Invalid password or code").waitFor();
    await dialog.getByLabel("Password").fill(password);
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await page.getByText(`${username}-new@example.com`).first().waitFor();
    expect(await dialog.isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("resets a forgotten password through the e-mailed link, once", async () => {
    const username = newName("forgot");
    const { context, page, problems } = await open();
    await signUp(page, username, "the password I forgot");
    await signOut(page);

    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL("**/forgot-password");
    await page.getByLabel("Email address").fill(`${username}@example.com`);
    await page.getByRole("button", { name: "Send a reset link" }).click();
    await page.waitForURL("**/forgot-password?sent=1");
    await page.getByText("If an account uses that address").waitFor();

    // Sent after the answer (so its timing reveals nothing): wait for it to arrive.
    const mail = await smtp.waitFor(
      (m) => m.to.includes(`${username}@example.com`) && m.subject.includes("Reset your password"),
    );
    const link = linkIn(mail.text, `${server.baseURL}/reset-password?token=`);
    expect(mail.html).toContain("Choose a new password");

    await page.goto(link);
    await page.getByLabel("New password", { exact: true }).fill("the password I will remember");
    await page.getByLabel("Confirm new password").fill("the password I will remember");
    await screenshot(page, "reset-password");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.waitForURL("**/login?reset=1");
    await page.getByText("Your password was changed.").waitFor();
    await page.getByLabel("Username or email").fill(username);
    await page.getByLabel("Password").fill("the password I will remember");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/account");

    await page.goto(link);
    await page.getByText("This password reset link is invalid, was already used or has expired.").waitFor();
    await smtp.waitFor(
      (m) => m.to.includes(`${username}@example.com`) && m.subject.includes("Your password was changed"),
    );
    expect(
      smtp.to(`${username}@example.com`).filter((m) => m.subject.includes("Your password was changed")),
    ).toHaveLength(1);
    expect(problems).toEqual([]);
    await context.close();
  });
});
