import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser, newContext, screenshot } from "../helpers/browser";
import { startAppServer, type AppServer } from "../helpers/server";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { signIn, uniqueName } from "../helpers/e2e-flows";

/**
 * E-mail confirmation in Chromium with LOKDOWN_EMAIL_VERIFICATION=required, against a production
 * server of its own that mails to an SMTP server started here.
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
      LOKDOWN_EMAIL_VERIFICATION: "required",
      LOGIN_INIT_RATE_LIMIT: "1000/m",
      SMTP_HOST: smtp.host,
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: "Verification test <security@example.com>",
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop(), smtp?.stop()]);
});

describe("confirming the e-mail address of a new account", () => {
  it("signs up, cannot sign in until the mailed link is opened and confirmed, then can", async () => {
    const { context, page, problems } = await newContext(browser, server.baseURL);
    const username = uniqueName("verify");
    const email = `${username}@example.com`;
    const password = "quiet river under stone bridge";

    await page.goto("/signup");
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByLabel("Confirm password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/verify-email/resend?registered=1");
    await page.getByTestId("verification-sent").waitFor();
    await screenshot(page, "email-verification-sent");

    await signIn(page, username, password);
    await page.getByText("Confirm your e-mail address before signing in").waitFor();
    await screenshot(page, "email-verification-sign-in-refused");
    expect(await page.getByRole("link", { name: "Send a new link" }).getAttribute("href")).toBe("/verify-email/resend");

    const mail = await smtp.waitFor((m) => m.to.includes(email) && m.subject.includes("Confirm your e-mail address"));
    const link = linkIn(mail.text, `${server.baseURL}/verify-email?token=`);
    await page.goto(link);
    await screenshot(page, "email-verification-confirm");
    await page.getByRole("button", { name: "Confirm my address" }).click();
    await page.getByTestId("email-verified").waitFor();
    expect(await page.getByTestId("email-verified").textContent()).toContain(email);

    // The link works once.
    await page.goto(link);
    await page.getByText("This link does not work").waitFor();

    await signIn(page, username, password);
    await page.waitForURL("**/account**");
    expect(problems).toEqual([]);
    await context.close();
  });
});
