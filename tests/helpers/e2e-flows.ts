import { generate } from "otplib";
import type { Page } from "playwright-core";

/** Browser flows every end-to-end suite needs, written once. */

export const uniqueName = (prefix: string): string =>
  `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

/** Signs up through /signup; the new account lands on the security page, signed in. */
export async function signUp(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email").fill(`${username}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/account/security?welcome=1");
}

/** Submits the password form; the caller waits for where it should lead (account, /2fa, an error). */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Username or email").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/login?signed_out=1");
}

/** A TOTP code for the step `offset` steps from now: the server accepts ±1 and never one step twice. */
export const totpCode = (secret: string, offset = 0): Promise<string> =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
