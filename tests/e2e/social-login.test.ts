import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, newContext, screenshot } from "../helpers/browser";
import { startOidcProvider, type TestAccount, type TestOidcProvider } from "../helpers/oidc-provider";
import { startAppServer, type AppServer } from "../helpers/server";

/**
 * Social login in Chromium against a real OpenID Connect provider (oidc-provider on loopback) and
 * an app instance configured for it through AUTH_OIDC_* variables.
 */
let browser: Browser;
let oidc: TestOidcProvider;
let app: AppServer;

beforeAll(async () => {
  oidc = await startOidcProvider();
  app = await startAppServer({
    LOKDOWN_SOCIALAUTH_ENABLED: "true",
    LOKDOWN_SIGNUP_ENABLED: "true",
    LOGIN_INIT_RATE_LIMIT: "1000/m",
    AUTH_OIDC_ID: oidc.clientId,
    AUTH_OIDC_SECRET: oidc.clientSecret,
    AUTH_OIDC_ISSUER: oidc.issuer,
    AUTH_OIDC_NAME: "Test SSO",
  });
  oidc.registerRedirectUris([`${app.baseURL}/api/nextauth/callback/oidc`]);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await oidc?.stop();
});

const codeFor = (secret: string, offset = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

const someone = (prefix: string, emailVerified = true): TestAccount => {
  const id = `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { sub: id, email: `${id}@sso.example.com`, emailVerified, name: id };
};

async function continueWithProvider(page: Page) {
  await page.goto("/login");
  await page.getByRole("button", { name: "Continue with Test SSO" }).click();
}

describe("social login in the browser", () => {
  it("signs up through the provider, enrolls TOTP, and passes the 2FA step on the next provider sign-in", async () => {
    const { context, page, problems } = await newContext(browser, app.baseURL);
    const account = someone("sso");
    oidc.signInAs(account);

    await page.goto("/login");
    await screenshot(page, "login-with-provider");
    await continueWithProvider(page);
    await page.waitForURL("**/account");
    await page.getByText(`Signed in as ${account.email}`).waitFor();
    expect(await page.context().cookies()).not.toContainEqual(
      expect.objectContaining({ name: expect.stringContaining("authjs.session-token") }),
    );

    await page.goto("/account/security");
    await page.getByRole("button", { name: "Set up authenticator app" }).click();
    const secret = (await page.getByTestId("totp-secret").getAttribute("data-secret")) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel("Code from the app").fill(await codeFor(secret));
    await page.getByRole("button", { name: "Verify and turn on" }).click();
    await page.getByText("Your authenticator app is set up").waitFor();

    await page.goto("/account/connections");
    expect(await page.getByTestId("linked-providers").textContent()).toContain("Test SSO");
    await screenshot(page, "connected-accounts");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login?signed_out=1");

    // The provider remembers this browser, so it returns at once; our 2FA step still applies.
    await continueWithProvider(page);
    await page.waitForURL("**/2fa**");
    await screenshot(page, "2fa-after-provider");
    await page.getByLabel("Authentication code").fill(await codeFor(secret, 1));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL("**/account");
    expect(await page.getByTestId("twofa-status").textContent()).toContain("On");
    expect(problems).toEqual([]);
    await context.close();
  });

  it("drives the SPA flow: provider list, next-auth sign-in, then POST /api/auth/oauth/callback for tokens", async () => {
    const { context, page, problems } = await newContext(browser, app.baseURL);
    const account = someone("spa");
    oidc.signInAs(account);
    await page.goto("/");
    const listing = await page.evaluate(async () => {
      const response = await fetch(`/api/auth/oauth/providers?callback_url=${encodeURIComponent("/?spa=done")}`);
      return (await response.json()) as {
        providers: Array<{ provider: string; redirect_url: string; callback_url: string; redirect_method: string }>;
      };
    });
    const provider = listing.providers.find((p) => p.provider === "oidc");
    if (!provider) throw new Error("the oidc provider is not listed");
    expect(provider).toEqual({
      provider: "oidc",
      redirect_url: `${app.baseURL}/api/nextauth/signin/oidc`,
      callback_url: `${app.baseURL}/?spa=done`,
      redirect_method: "POST",
    });

    // The page is served by this app, whose CSP (form-action 'self') would stop a form POST from
    // following the redirect to the provider; next-auth answers {url} to X-Auth-Return-Redirect.
    const providerUrl = await page.evaluate(async (p) => {
      const { csrfToken } = (await (await fetch("/api/nextauth/csrf")).json()) as { csrfToken: string };
      const response = await fetch(p.redirect_url, {
        method: p.redirect_method,
        headers: { "content-type": "application/x-www-form-urlencoded", "x-auth-return-redirect": "1" },
        body: new URLSearchParams({ csrfToken, callbackUrl: p.callback_url }),
      });
      return ((await response.json()) as { url: string }).url;
    }, provider);
    expect(providerUrl.startsWith(`${oidc.issuer}/auth?`)).toBe(true);
    await page.goto(providerUrl);
    await page.waitForURL("**/?spa=done");

    const bridge = () =>
      page.evaluate(async () => {
        const response = await fetch("/api/auth/oauth/callback", {
          method: "POST",
          credentials: "include",
          headers: { "X-Lokdown-CSRF": "1" },
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      });
    const first = await bridge();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ requires_2fa: false, requires_2fa_setup: false });
    const access = String(first.body.access_token);
    const status = await page.evaluate(
      async (token) => (await fetch("/api/auth/2fa/status", { headers: { authorization: `Bearer ${token}` } })).status,
      access,
    );
    expect(status).toBe(200);
    const replay = await bridge();
    expect(replay.status).toBe(401);
    expect(problems).toEqual([]);
    await context.close();
  });

  it("binds the hand-off to its browser: a provider session cookie replayed in a second browser signs nobody in", async () => {
    const attacker = await newContext(browser, app.baseURL);
    const victim = await newContext(browser, app.baseURL);
    const account = someone("csrf");
    oidc.signInAs(account);
    // The attacker finishes a provider sign-in but stops before /oauth/complete (an allowed return path).
    await attacker.page.goto("/");
    const providerUrl = await attacker.page.evaluate(async () => {
      const { csrfToken } = (await (await fetch("/api/nextauth/csrf")).json()) as { csrfToken: string };
      const response = await fetch("/api/nextauth/signin/oidc", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-auth-return-redirect": "1" },
        body: new URLSearchParams({ csrfToken, callbackUrl: "/?handoff=1" }),
      });
      return ((await response.json()) as { url: string }).url;
    });
    await attacker.page.goto(providerUrl);
    await attacker.page.waitForURL("**/?handoff=1");
    const cookies = await attacker.context.cookies();
    const names = cookies.map((c) => c.name);
    expect(names).toContain("__Host-authjs.session-token");
    expect(names).toContain("__Host-lokdown_oauth_nonce");
    expect(names.filter((n) => n.includes("authjs")).every((n) => n.startsWith("__Host-"))).toBe(true);

    // Login CSRF: the hand-off cookie planted in the victim's browser (without the attacker's nonce).
    const handOff = cookies.filter((c) => c.name.startsWith("__Host-authjs.session-token"));
    expect(handOff.length).toBeGreaterThan(0);
    await victim.context.addCookies(handOff);
    await victim.page.goto("/oauth/complete");
    await victim.page.waitForURL("**/oauth/error?error=oauth_browser_mismatch");
    await screenshot(victim.page, "oauth-handoff-other-browser");
    expect((await victim.context.cookies()).map((c) => c.name)).not.toContain("__Host-lokdown_session");
    await victim.page.goto("/account");
    await victim.page.waitForURL("**/login**");

    // The browser that started it completes it, and its nonce is gone afterwards.
    await attacker.page.goto("/oauth/complete");
    await attacker.page.waitForURL("**/account");
    await attacker.page.getByText(`Signed in as ${account.email}`).waitFor();
    expect((await attacker.context.cookies()).map((c) => c.name)).not.toContain("__Host-lokdown_oauth_nonce");
    await attacker.context.close();
    await victim.context.close();
  });

  it("shows a clear page when the provider's e-mail is not verified", async () => {
    const { context, page } = await newContext(browser, app.baseURL);
    oidc.signInAs(someone("unverified", false));
    await continueWithProvider(page);
    await page.waitForURL("**/oauth/error?error=oauth_email_not_verified");
    expect(await page.getByTestId("oauth-error").textContent()).toContain(
      "The provider has not verified this email address",
    );
    await screenshot(page, "oauth-error");
    await context.close();
  });
});
