import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { browserForFile, newContext, screenshot } from "../helpers/browser";
import { signIn, signUp, totpCode as codeFor } from "../helpers/e2e-flows";

const browser = browserForFile();
const baseURL = inject("baseURL");

describe("TOTP and backup codes in the browser", () => {
  it("enrolls from the rendered secret, then signs in with a code and with a backup code", async () => {
    const { context, page, problems } = await newContext(browser(), baseURL);
    const username = `totp${Date.now().toString(36)}`;
    const password = "another unusual passphrase";
    await signUp(page, username, password);

    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    const secret = await page.getByTestId("totp-secret").getAttribute("data-secret");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByAltText("QR code for your authenticator app").waitFor();
    await screenshot(page, "totp-setup");
    await page.getByLabel("Code from the app").fill(await codeFor(secret ?? ""));
    await page.getByRole("button", { name: "Verify and turn on" }).click();
    await page.getByText("Your authenticator app is set up").waitFor();
    const codes = await page.getByTestId("backup-code").allTextContents();
    expect(codes).toHaveLength(8);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download .txt" }).click(),
    ]);
    const text = readFileSync((await download.path()) ?? "", "utf8");
    expect(text).toContain(`Backup codes for ${username}`);
    for (const code of codes) expect(text).toContain(code);
    const [csvDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download .csv" }).click(),
    ]);
    const csv = readFileSync((await csvDownload.path()) ?? "", "utf8")
      .trim()
      .split("\n");
    expect(csv[0]).toBe("username,backup_code");
    expect(csv).toHaveLength(9);
    await screenshot(page, "backup-codes");

    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(page, username, password);
    await page.waitForURL("**/2fa**");
    await screenshot(page, "2fa-step");
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("Invalid TOTP token").waitFor();
    // The step after the enrollment code's: inside the drift window, and not a replay.
    await page.getByLabel("Authentication code").fill(await codeFor(secret ?? "", 1));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL("**/account");

    await page.getByRole("button", { name: "Sign out" }).click();
    await signIn(page, username, password);
    await page.waitForURL("**/2fa**");
    await page.getByRole("button", { name: "Use a backup code" }).click();
    await page.getByLabel("Backup code").fill((codes[0] ?? "").toLowerCase());
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL("**/account");
    expect(await page.getByTestId("twofa-status").textContent()).toContain("7 backup codes left");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("takes the first admin through TOTP enrollment at first sign-in", async () => {
    const { context, page, problems } = await newContext(browser(), baseURL);
    await signIn(page, inject("adminUsername"), inject("adminPassword"));
    await page.waitForURL("**/2fa**");
    await page.getByRole("heading", { name: "Protect your staff account" }).waitFor();
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    const secret = (await page.getByTestId("totp-secret").getAttribute("data-secret")) ?? "";
    await page.getByLabel("Code from the app").fill(await codeFor(secret));
    await page.getByRole("button", { name: "Verify and turn on" }).click();
    await page.getByText("Two-factor authentication is on. You are signed in.").waitFor();
    expect(await page.getByTestId("backup-code").count()).toBe(8);
    await screenshot(page, "staff-enrollment-codes");
    await page.getByRole("button", { name: /continue/ }).click();
    await page.waitForURL("**/account");
    expect(await page.getByTestId("twofa-status").textContent()).toContain("On");
    expect(problems).toEqual([]);
    await context.close();
  });
});
