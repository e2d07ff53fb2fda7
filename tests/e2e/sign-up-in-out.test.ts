import { describe, expect, inject, it } from "vitest";
import { browserForFile, newContext, screenshot } from "../helpers/browser";
import { signUp } from "../helpers/e2e-flows";

const browser = browserForFile();
const baseURL = inject("baseURL");

describe("sign up, sign out, sign in", () => {
  it("creates an account, signs out and back in", async () => {
    const { context, page, problems } = await newContext(browser(), baseURL);
    const username = `e2e${Date.now().toString(36)}`;
    const password = "a long and unusual passphrase";

    await page.goto("/signup");
    await screenshot(page, "signup");
    await signUp(page, username, password);
    await page.getByText("Welcome aboard!").waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login?signed_out=1");
    await page.getByText("You have been signed out.").waitFor();

    await page.getByLabel("Username or email").fill(username);
    await page.getByLabel("Password").fill("wrong password entirely");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Invalid credentials").waitFor();

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/account");
    await page.getByRole("heading", { name: `Welcome, ${username}` }).waitFor();
    await screenshot(page, "account");

    // The session cookie is httpOnly and SameSite=Lax.
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name.endsWith("lokdown_session"));
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login?signed_out=1");
    await page.goto("/account");
    await page.waitForURL("**/login?next=%2Faccount");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("renders the sign-in page in dark mode", async () => {
    const { context, page } = await newContext(browser(), baseURL, { colorScheme: "dark" });
    await page.goto("/login");
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).not.toBe("rgb(250, 250, 250)");
    await screenshot(page, "login-dark");
    await context.close();
  });
});
