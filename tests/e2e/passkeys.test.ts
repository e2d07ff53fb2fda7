import { describe, expect, inject, it } from "vitest";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { browserForFile, newContext, screenshot } from "../helpers/browser";
import { signOut, signUp } from "../helpers/e2e-flows";

const browser = browserForFile();
const baseURL = inject("baseURL");

/** Chromium's DevTools virtual authenticator: a platform authenticator with a PIN/biometric. */
async function addVirtualAuthenticator(
  context: BrowserContext,
  page: Page,
): Promise<{ cdp: CDPSession; authenticatorId: string }> {
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
  return { cdp, authenticatorId };
}

/**
 * The virtual authenticator answers a conditional (autofill) request at once, as if the user had
 * picked the passkey from the username field's suggestions. To drive the password and button
 * flows, a page can pretend its browser has no passkey autofill.
 */
async function withoutAutofill(page: Page): Promise<void> {
  await page.addInitScript(() => {
    PublicKeyCredential.isConditionalMediationAvailable = async () => false;
  });
}

describe("passkeys in Chromium", () => {
  it("registers a passkey, completes the 2FA step with it and signs in without a password", async () => {
    const { context, page, problems } = await newContext(browser(), baseURL);
    const { cdp, authenticatorId } = await addVirtualAuthenticator(context, page);
    await withoutAutofill(page);
    const username = `pk${Date.now().toString(36)}`;
    const password = "a long and unusual passphrase";

    await signUp(page, username, password);
    await page.getByText("No passkeys yet.").waitFor();
    await page.getByLabel("Name (optional)").fill("E2E laptop");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByText("Passkey “E2E laptop” added").waitFor();
    const row = page.getByTestId("passkey-row");
    await row.waitFor();
    expect(await row.getByTestId("passkey-name").textContent()).toBe("E2E laptop");
    expect(await row.textContent()).toContain("Never used");
    await screenshot(page, "account-security-passkey");

    const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]?.isResidentCredential).toBe(true);

    // Password, then the passkey as the second factor.
    await signOut(page);
    await screenshot(page, "login-with-passkey");
    await page.getByLabel("Username or email").fill(username);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL("**/2fa**");
    // A passkey-only account without backup codes gets no code field.
    expect(await page.getByLabel("Backup code").count()).toBe(0);
    await screenshot(page, "2fa-passkey");
    await page.getByRole("button", { name: "Use a passkey" }).click();
    await page.waitForURL("**/account");
    await page.getByRole("heading", { name: `Welcome, ${username}` }).waitFor();

    // No password at all: the discoverable credential names the account.
    await signOut(page);
    await page.getByRole("button", { name: "Continue with a passkey" }).click();
    await page.waitForURL("**/account");
    await page.getByRole("heading", { name: `Welcome, ${username}` }).waitFor();

    await page.goto("/account/security");
    const used = page.getByTestId("passkey-row");
    expect(await used.textContent()).toContain("Last used");
    const after = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
    expect(after.credentials[0]?.signCount).toBeGreaterThanOrEqual(2);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("signs in through the username field's autofill (conditional mediation)", async () => {
    const { context, page, problems } = await newContext(browser(), baseURL);
    await addVirtualAuthenticator(context, page);
    const username = `pka${Date.now().toString(36)}`;
    await signUp(page, username, "a long and unusual passphrase");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByTestId("passkey-row").waitFor();

    // Signing out lands on the sign-in page, whose autofill request the authenticator answers.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/account");
    await page.getByRole("heading", { name: `Welcome, ${username}` }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("renames and removes a passkey from the security page", async () => {
    const { context, page, problems } = await newContext(browser(), baseURL);
    await addVirtualAuthenticator(context, page);
    const username = `pkm${Date.now().toString(36)}`;
    const password = "a long and unusual passphrase";

    await signUp(page, username, password);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    const row = page.getByTestId("passkey-row");
    await row.waitFor();
    expect(await row.getByTestId("passkey-name").textContent()).toBe("Passkey");

    await row.getByRole("button", { name: "Rename" }).click();
    await page.getByLabel("New name").fill("Desk key");
    await row.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("passkey-name").filter({ hasText: "Desk key" }).waitFor();

    await page.getByTestId("passkey-row").getByRole("button", { name: "Remove" }).click();
    await page.getByRole("button", { name: "Remove passkey" }).click();
    // The account's second factor is this passkey, and the session never proved it: step-up asks for it.
    await page.getByRole("dialog", { name: "Confirm it's you" }).getByRole("button", { name: "Use a passkey" }).click();
    await page.getByText("No passkeys yet.").waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("explains a cancelled prompt instead of failing silently", async () => {
    const { context, page, problems } = await newContext(browser(), baseURL);
    const { cdp, authenticatorId } = await addVirtualAuthenticator(context, page);
    await withoutAutofill(page);
    await page.goto("/login");
    // The authenticator holds no passkey for this site and cannot verify the user: the browser refuses.
    await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: false });
    await page.getByRole("button", { name: "Continue with a passkey" }).click();
    await page.getByRole("alert").filter({ hasText: "No passkey was used" }).waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
    await context.close();
  });
});
