import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, screenshot } from "../helpers/browser";
import { signIn, signUp, totpCode, uniqueName } from "../helpers/e2e-flows";
import { startAppServer, type AppServer } from "../helpers/server";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";

/**
 * "This wasn't me" in a real browser (finding 15.3): an intruder who knows the password signs in
 * elsewhere and sets up an authenticator app; the owner follows the link in the notice, the app is
 * removed, the intruder's browser is signed out, and the owner sets a new password on the spot.
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
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop(), smtp?.stop()]);
});

const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

async function open(userAgent?: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    baseURL: server.baseURL,
    viewport: { width: 1280, height: 860 },
    ...(userAgent ? { userAgent } : {}),
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

describe("'This wasn't me'", () => {
  it("removes the authenticator app an intruder set up, signs them out, and has the owner choose a new password", async () => {
    const username = uniqueName("notme");
    const address = `${username}@example.com`;
    const password = "the password the intruder learnt";
    const owner = await open();
    const intruder = await open(FIREFOX_WINDOWS);
    await signUp(owner.page, username, password);

    await signIn(intruder.page, username, password);
    await intruder.page.waitForURL("**/account");
    await intruder.page.goto("/account/security");
    await intruder.page.getByRole("button", { name: "Set up authenticator app" }).click();
    const secret = (await intruder.page.getByTestId("totp-secret").getAttribute("data-secret")) ?? "";
    await intruder.page.getByLabel("Code from the app").fill(await totpCode(secret));
    await intruder.page.getByRole("button", { name: "Verify and turn on" }).click();
    await intruder.page.getByText("Your authenticator app is set up").waitFor();

    const notice = await smtp.waitFor(
      (m) => m.to.includes(address) && m.subject.includes("Two-factor authentication is on"),
    );
    const link = linkIn(notice.text, `${server.baseURL}/secure-account?token=`);
    await owner.page.goto(link);
    await owner.page.getByText("Remove the authenticator app that was set up.").waitFor();
    await owner.page.getByText("Revoke every API key.").waitFor();
    await screenshot(owner.page, "not-me-offer");
    await owner.page.getByRole("button", { name: "Secure my account" }).click();
    await owner.page.getByText(/is secured/).waitFor();
    await screenshot(owner.page, "not-me-done");

    // The intruder's browser is signed out.
    await intruder.page.goto("/account");
    await intruder.page.waitForURL("**/login**");

    await owner.page.getByRole("link", { name: "Choose a new password" }).click();
    await owner.page.waitForURL("**/reset-password?token=*");
    await owner.page.getByLabel("New password", { exact: true }).fill("the owner's fresh passphrase");
    await owner.page.getByLabel("Confirm new password").fill("the owner's fresh passphrase");
    await owner.page.getByRole("button", { name: "Set new password" }).click();
    await owner.page.waitForURL("**/login?reset=1");

    // The old password no longer works; the new one does, with no second step: the app is gone.
    await signIn(intruder.page, username, password);
    await intruder.page.getByText("Invalid credentials").waitFor();
    expect(intruder.page.url()).toContain("/login");
    await signIn(owner.page, username, "the owner's fresh passphrase");
    await owner.page.waitForURL("**/account");
    await smtp.waitFor((m) => m.to.includes(address) && m.subject.includes("Your account was secured"));

    // The link works once.
    await owner.page.goto(link);
    await owner.page.getByText("This link is invalid, was already used or has expired.").waitFor();
    expect([...owner.problems, ...intruder.problems]).toEqual([]);
    await Promise.all([owner.context.close(), intruder.context.close()]);
  });
});
