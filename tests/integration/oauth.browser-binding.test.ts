import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import type { AccountActor } from "@/lib/auth/two-factor/account-security";
import { GET as completeGET } from "@/app/oauth/complete/route";
import { GET as nextAuthGET, POST as nextAuthPOST } from "@/app/api/nextauth/[...nextauth]/route";
import { browserNonceCookieName } from "@/lib/auth/oauth/browser-nonce";
import { LINK_INTENT_COOKIE, beginProviderLink } from "@/lib/auth/oauth/account-linking";
import { providerSessionCookieName } from "@/lib/auth/oauth/nextauth";
import { issueWebSession, SESSION_COOKIE } from "@/lib/auth/sessions/web-session";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import {
  APP_ORIGIN,
  appRequest,
  authorizeAtProvider,
  callBridge,
  CookieJar,
  deliverCallback,
  OIDC_REDIRECT_URI,
  signInWithProvider,
  useTestProvider,
} from "../helpers/social-login";
import { newClient } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));

let oidc: TestOidcProvider;
beforeAll(async () => {
  oidc = await startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] });
});
afterAll(async () => {
  await oidc?.stop();
});

const NEXT_AUTH_CHECK_COOKIES = ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"];

/** A signed-in browser for `user`: its web session cookie and actor. */
async function webSessionFor(user: { id: number; username: string; isStaff: boolean }) {
  const client = newClient("victim-browser");
  const session = await db.$transaction((tx) =>
    issueWebSession(tx, { userId: user.id, amr: ["pwd"], client }, new Date()),
  );
  const row = await db.authSession.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" } });
  const jar = new CookieJar();
  jar.cookies.set(SESSION_COOKIE, session.token);
  const actor: AccountActor = { userId: user.id, username: user.username, isStaff: user.isStaff, sessionId: row.id };
  return { client, jar, actor };
}

describe("a provider sign-in works only in the browser that started it", () => {
  it("a hand-off cookie replayed in another browser does not sign that browser in (login CSRF), at /oauth/complete and at the bridge", async () => {
    useTestProvider(oidc);
    const attacker = await signInWithProvider(oidc, {
      sub: "attacker-1",
      email: "attacker@evil.example",
      emailVerified: true,
    });
    expect(attacker.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    const handOff = attacker.jar.cookies.get(providerSessionCookieName());
    expect(handOff).toBeTruthy();

    // The victim's browser holds only the planted hand-off cookie, not the attacker's nonce.
    const victim = new CookieJar();
    victim.cookies.set(providerSessionCookieName(), handOff ?? "");
    const planted = await appRequest(completeGET, "GET", "/oauth/complete", victim, newClient("victim"));
    expect(planted.headers.get("location")).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_browser_mismatch`);
    victim.cookies.set(providerSessionCookieName(), handOff ?? "");
    const bridged = await callBridge(victim, newClient("victim"));
    expect(bridged.status).toBe(403);
    expect(bridged.json.code).toBe("oauth_browser_mismatch");
    expect(await db.authSession.count()).toBe(0);
    expect(await db.loginSession.count()).toBe(0);

    // In the browser that started it, the same hand-off still works, once, and ends its nonce.
    const own = await appRequest(completeGET, "GET", "/oauth/complete", attacker.jar, attacker.client);
    expect(own.headers.get("location")).toBe(`${APP_ORIGIN}/account`);
    expect(await db.authSession.count()).toBe(1);
    expect(attacker.jar.cookies.has(browserNonceCookieName())).toBe(false);
    expect(
      own.headers
        .getSetCookie()
        .some(
          (c) =>
            c.startsWith(`${browserNonceCookieName()}=;`) &&
            /Max-Age=0/.test(c) &&
            /HttpOnly/.test(c) &&
            /Path=\//.test(c),
        ),
    ).toBe(true);
  });

  it("a callback URL carried to another browser is refused, even with next-auth's check cookies planted", async () => {
    useTestProvider(oidc);
    const started = await authorizeAtProvider(oidc, {
      sub: "attacker-2",
      email: "attacker2@evil.example",
      emailVerified: true,
    });
    const victim = new CookieJar();
    for (const name of NEXT_AUTH_CHECK_COOKIES) {
      const value = started.jar.cookies.get(name);
      if (value) victim.cookies.set(name, value);
    }
    const refused = await deliverCallback(started.callbackUrl, victim, newClient("victim"));
    expect(refused.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_browser_mismatch`);
    expect(victim.cookies.has(providerSessionCookieName())).toBe(false);
    expect(await db.oAuthSignIn.count()).toBe(0);
    expect(await db.user.count()).toBe(0);
  });

  it("an attacker's provider account is never linked to a victim's live link intent", async () => {
    useTestProvider(oidc, { signupEnabled: false });
    const victimUser = await makeUser();
    const victim = await webSessionFor(victimUser);
    const intent = await beginProviderLink(victim.actor, "oidc", { password: victimUser.password }, victim.client);
    if (!intent.ok) throw new Error(`no intent: ${intent.code}`);
    victim.jar.cookies.set(LINK_INTENT_COOKIE, intent.value.cookie);

    // The attacker authorizes their own provider account, then gets the victim's browser to
    // deliver the callback with the attacker's check cookies (tossed from a sibling subdomain).
    const started = await authorizeAtProvider(oidc, {
      sub: "attacker-3",
      email: "attacker3@evil.example",
      emailVerified: true,
    });
    for (const name of NEXT_AUTH_CHECK_COOKIES) {
      const value = started.jar.cookies.get(name);
      if (value) victim.jar.cookies.set(name, value);
    }
    const refused = await deliverCallback(started.callbackUrl, victim.jar, victim.client);
    expect(refused.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_browser_mismatch`);
    expect(await db.oAuthAccount.count()).toBe(0);
  });

  it("the link flow needs and uses up the nonce: the link is made, then nonce and intent are deleted", async () => {
    useTestProvider(oidc);
    const user = await makeUser();
    const browser = await webSessionFor(user);
    const intent = await beginProviderLink(browser.actor, "oidc", { password: user.password }, browser.client);
    if (!intent.ok) throw new Error("no intent");
    browser.jar.cookies.set(LINK_INTENT_COOKIE, intent.value.cookie);
    const started = await authorizeAtProvider(
      oidc,
      { sub: "link-own", email: "x@example.org", emailVerified: false },
      { jar: browser.jar, client: browser.client },
    );
    expect(browser.jar.cookies.has(browserNonceCookieName())).toBe(true);
    const done = await deliverCallback(started.callbackUrl, browser.jar, browser.client);
    expect(done.location).toBe(`${APP_ORIGIN}/account/connections?linked=oidc`);
    expect(await db.oAuthAccount.count({ where: { userId: user.id } })).toBe(1);
    expect(browser.jar.cookies.has(browserNonceCookieName())).toBe(false);
    expect(browser.jar.cookies.has(LINK_INTENT_COOKIE)).toBe(false);
  });
});

describe("in production, next-auth's cookies and the nonce use __Host- names", () => {
  it("sets and deletes every sign-in cookie with __Host-, Secure and Path=/ (no Domain)", async () => {
    useTestProvider(oidc);
    overrideSettings({ production: true });
    const jar = new CookieJar();
    const client = newClient("prod-browser");
    const csrf = await appRequest(nextAuthGET, "GET", "/api/nextauth/csrf", jar, client);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const start = await appRequest(nextAuthPOST, "POST", "/api/nextauth/signin/oidc", jar, client, {
      body: new URLSearchParams({ csrfToken, callbackUrl: `${APP_ORIGIN}/oauth/complete` }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    const set = [...csrf.headers.getSetCookie(), ...start.headers.getSetCookie()];
    const names = set.map((c) => c.slice(0, c.indexOf("=")));
    expect(names).toEqual(
      expect.arrayContaining([
        "__Host-authjs.csrf-token",
        "__Host-authjs.state",
        "__Host-authjs.pkce.code_verifier",
        "__Host-authjs.nonce",
        "__Host-authjs.callback-url",
        "__Host-lokdown_oauth_nonce",
      ]),
    );
    for (const cookie of set) {
      expect(cookie.startsWith("__Host-"), cookie).toBe(true);
      expect(cookie, cookie).toMatch(/;\s*Secure/i);
      expect(cookie, cookie).toMatch(/;\s*Path=\//i);
      expect(cookie, cookie).not.toMatch(/;\s*Domain=/i);
    }
    const finished = await appRequest(completeGET, "GET", "/oauth/complete", jar, client);
    const deletions = finished.headers.getSetCookie().filter((c) => /Max-Age=0/i.test(c));
    expect(deletions.map((c) => c.slice(0, c.indexOf("=")))).toEqual(
      expect.arrayContaining(["__Host-authjs.session-token", "__Host-lokdown_oauth_nonce"]),
    );
    for (const cookie of deletions) expect(cookie, cookie).toMatch(/;\s*Secure/i);
  });
});
