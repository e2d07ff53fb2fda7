import { describe, expect, inject, it } from "vitest";
import { browserForFile, newContext, screenshot } from "../helpers/browser";
import { signUp } from "../helpers/e2e-flows";

const browser = browserForFile();
const baseURL = inject("baseURL");

async function me(key: string) {
  const res = await fetch(`${baseURL}/api/me`, { headers: { authorization: `Api-Key ${key}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("API keys in the browser", () => {
  it("creates a key in the UI, uses it from a plain HTTP client, revokes it and sees 401", async () => {
    const { context, page, problems } = await newContext(browser(), baseURL);
    const username = `keys${Date.now().toString(36)}`;
    const password = "a long and unusual passphrase";

    await signUp(page, username, password);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API keys" }).click();
    await page.waitForURL("**/account/api-keys");
    await page.getByText("You have no API keys yet.").waitFor();

    await page.getByLabel("Name").fill("deploy script");
    await page.getByLabel("Expires after").selectOption("30");
    await page.getByRole("button", { name: "Create API key" }).click();
    const shown = page.getByTestId("new-api-key");
    await shown.waitFor();
    const key = (await shown.textContent())?.trim() ?? "";
    expect(key).toMatch(/^lk_[0-9a-f]{8}\.[A-Za-z0-9_-]{43}$/);
    await page.getByText("Copy this key now.").waitFor();
    const row = page.getByTestId("api-key-row").filter({ hasText: "deploy script" });
    await row.waitFor();
    expect(await row.getAttribute("data-prefix")).toBe(key.split(".")[0]);
    await screenshot(page, "api-keys-created");

    const ok = await me(key);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ username, authenticated_with: "api_key" });

    // Shown once: after a reload only the prefix is left, and the use is recorded.
    await page.reload();
    expect(await page.getByTestId("new-api-key").count()).toBe(0);
    expect(await page.content()).not.toContain(key.split(".")[1]);
    const reloadedRow = page.getByTestId("api-key-row").filter({ hasText: "deploy script" });
    expect(await reloadedRow.textContent()).toContain("Active");
    expect(await reloadedRow.locator("td").nth(3).textContent()).toMatch(/UTC/);

    await reloadedRow.getByRole("button", { name: "Revoke deploy script" }).click();
    await page.getByRole("button", { name: "Revoke key" }).click();
    await page.getByText("You have no API keys yet.").waitFor();
    await screenshot(page, "api-keys-revoked");

    const refused = await me(key);
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe("api_key_invalid");
    expect(problems).toEqual([]);
    await context.close();
  });
});
