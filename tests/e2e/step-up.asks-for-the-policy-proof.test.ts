import { describe, expect, inject, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { browserForFile, newContext, screenshot } from "../helpers/browser";
import { signUp, totpCode as codeFor, uniqueName } from "../helpers/e2e-flows";

const browser = browserForFile();
const baseURL = inject("baseURL");

/** Chromium's DevTools virtual authenticator: a platform authenticator with user verification. */
async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/**
 * The step-up dialog asks for the proof lib/auth/policy/assurance-policy.ts names for the account: a second factor
 * when it has one. The session that enrolled the factor proved only the password, so the next
 * change to factors asks for that factor, never for the password again.
 */
describe("step-up dialog asks for the policy's proof", () => {
  it("an account with an authenticator app is asked for a code, not the password", async () => {
    const { context, page, problems } = await newContext(browser(), baseURL);
    const username = uniqueName("stepupt");
    await signUp(page, username, "a long and unusual passphrase");

    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    const secret = (await page.getByTestId("totp-secret").getAttribute("data-secret")) ?? "";
    await page.getByLabel("Code from the app").fill(await codeFor(secret));
    await page.getByRole("button", { name: "Verify and turn on" }).click();
    await page.getByText("Your authenticator app is set up").waitFor();

    await page.goto("/account/security");
    await page.getByRole("button", { name: "Turn off two-factor authentication" }).click();
    const dialog = page.getByRole("dialog", { name: "Confirm it's you" });
    await dialog.waitFor();
    expect(await dialog.getByLabel("Password").count()).toBe(0);
    await dialog.getByLabel("Authenticator or backup code").waitFor();
    expect(await dialog.textContent()).toContain("a code from your authenticator app");
    await screenshot(page, "step-up-dialog-totp");
    // The next step's code: the enrollment code's step is spent.
    await dialog.getByLabel("Authenticator or backup code").fill(await codeFor(secret, 1));
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await dialog.waitFor({ state: "hidden" });
    // 2FA is off: the page offers to set up an authenticator app again.
    await page.getByRole("button", { name: "Set up authenticator app" }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("an account whose only factor is a passkey is asked for the passkey", async () => {
    const { context, page, problems } = await newContext(browser(), baseURL);
    await addVirtualAuthenticator(context, page);
    const username = uniqueName("stepupp");
    await signUp(page, username, "a long and unusual passphrase");
    // The first factor: the fresh password of the sign-up is the proof.
    await page.getByRole("button", { name: "Add a passkey" }).click();
    const row = page.getByTestId("passkey-row");
    await row.waitFor();

    await row.getByRole("button", { name: "Remove" }).click();
    await page.getByRole("button", { name: "Remove passkey" }).click();
    const dialog = page.getByRole("dialog", { name: "Confirm it's you" });
    await dialog.waitFor();
    expect(await dialog.getByLabel("Password").count()).toBe(0);
    expect(await dialog.getByLabel("Authenticator or backup code").count()).toBe(0);
    await screenshot(page, "step-up-dialog-passkey");
    await dialog.getByRole("button", { name: "Use a passkey" }).click();
    await page.getByText("No passkeys yet.").waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
