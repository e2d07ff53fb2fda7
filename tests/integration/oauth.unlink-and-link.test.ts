import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { AccountActor } from "@/lib/auth/two-factor/account-security";
import { listLinkedAccounts, unlinkOAuthAccount } from "@/lib/auth/oauth/provider-sign-in";
import { LINK_INTENT_COOKIE, beginProviderLink } from "@/lib/auth/oauth/account-linking";
import { issueWebSession, SESSION_COOKIE } from "@/lib/auth/sessions/web-session";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import { APP_ORIGIN, CookieJar, OIDC_REDIRECT_URI, signInWithProvider, useTestProvider } from "../helpers/social-login";
import { enrollTotp, freezeTime } from "../helpers/two-factor";
import { newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import { ageProofs } from "../helpers/step-up";
import { withClaims } from "../helpers/signed-token";

let oidc: TestOidcProvider;
beforeAll(async () => {
  oidc = await startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] });
});
afterAll(async () => {
  await oidc?.stop();
});

/** A signed-in browser for `user`: its web session, cookie jar and actor. */
/** A browser session that signed in with `amr` (the policy reads which factors it proved, and when). */
async function webSessionFor(user: { id: number; username: string; isStaff: boolean }, amr: string[] = ["pwd"]) {
  const client = newClient("link-test");
  const session = await db.$transaction((tx) => issueWebSession(tx, { userId: user.id, amr, client }, new Date()));
  const row = await db.authSession.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" } });
  const jar = new CookieJar();
  jar.cookies.set(SESSION_COOKIE, session.token);
  const actor: AccountActor = { userId: user.id, username: user.username, isStaff: user.isStaff, sessionId: row.id };
  return { client, jar, actor };
}

describe("unlinking never removes the last way to sign in", () => {
  it("refuses to unlink the only provider of an account without password or passkey", async () => {
    useTestProvider(oidc);
    const flow = await signInWithProvider(oidc, { sub: "solo-1", email: "pat@example.org", emailVerified: true });
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    const user = await db.user.findUniqueOrThrow({ where: { email: "pat@example.org" } });
    const { actor, client } = await webSessionFor({ ...user }, ["fed"]);
    const [linked] = await listLinkedAccounts(user.id);
    expect(linked?.providerName).toBe("Test SSO");
    const refused = await unlinkOAuthAccount(actor, linked?.id ?? 0, {}, client);
    expect(refused.ok || refused.code).toBe("oauth_last_sign_in_method");
    expect(await db.oAuthAccount.count()).toBe(1);
  });

  it("unlinks when a password remains, after step-up, and only the caller's own link", async () => {
    useTestProvider(oidc);
    const owner = await makeUser();
    const other = await makeUser();
    const link = await db.oAuthAccount.create({
      data: { userId: owner.id, provider: "oidc", providerAccountId: "owner-1" },
    });
    const { actor, client } = await webSessionFor(other);
    expect((await unlinkOAuthAccount(actor, link.id, {}, client)).ok || "refused").toBe("refused");
    const mine = await webSessionFor(owner);
    await ageProofs({ id: mine.actor.sessionId }, new Date(Date.now() - 3_600_000));
    const stale = await unlinkOAuthAccount(mine.actor, link.id, {}, mine.client);
    expect(stale.ok || stale.code).toBe("reauth_required");
    const done = await unlinkOAuthAccount(mine.actor, link.id, { password: owner.password }, mine.client);
    expect(done.ok).toBe(true);
    expect(await db.oAuthAccount.count()).toBe(0);
    expect(await db.securityEvent.count({ where: { type: "oauth.unlinked", userId: owner.id } })).toBe(1);
  });

  it("lets only one of two concurrent unlinks of the last two providers succeed", async () => {
    useTestProvider(oidc);
    const flow = await signInWithProvider(oidc, { sub: "duo-1", email: "quinn@example.org", emailVerified: true });
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    const user = await db.user.findUniqueOrThrow({ where: { email: "quinn@example.org" } });
    const second = await db.oAuthAccount.create({
      data: { userId: user.id, provider: "github", providerAccountId: "gh-quinn" },
    });
    const first = await db.oAuthAccount.findFirstOrThrow({ where: { userId: user.id, provider: "oidc" } });
    const { actor, client } = await webSessionFor(user, ["fed"]);
    const results = await Promise.all([
      unlinkOAuthAccount(actor, first.id, {}, client),
      unlinkOAuthAccount(actor, second.id, {}, client),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await db.oAuthAccount.count({ where: { userId: user.id } })).toBe(1);
  });
});

describe("linking a provider from the account page", () => {
  it("links to the signed-in account even with 2FA, and never signs anyone in", async () => {
    freezeTime();
    useTestProvider(oidc);
    const user = await makeUser();
    await enrollTotp(user);
    // An account with a second factor links a provider from a session that proved it.
    const browser = await webSessionFor(user, ["pwd", "otp", "mfa"]);
    const intent = await beginProviderLink(browser.actor, "oidc", {}, browser.client);
    expect(intent.ok).toBe(true);
    if (!intent.ok) return;
    browser.jar.cookies.set(LINK_INTENT_COOKIE, intent.value.cookie);
    const flow = await signInWithProvider(
      oidc,
      { sub: "link-1", email: "someone-else@example.org", emailVerified: false },
      { jar: browser.jar, client: browser.client },
    );
    expect(flow.location).toBe(`${APP_ORIGIN}/account/connections?linked=oidc`);
    expect(flow.jar.cookies.has("authjs.session-token")).toBe(false);
    expect(await db.oAuthAccount.findFirst({ where: { userId: user.id, providerAccountId: "link-1" } })).not.toBeNull();
    expect(await db.oAuthSignIn.count()).toBe(0);
  });

  it("ignores a link intent whose web session is gone or belongs to another browser", async () => {
    useTestProvider(oidc, { signupEnabled: false });
    const user = await makeUser();
    const browser = await webSessionFor(user);
    const intent = await beginProviderLink(browser.actor, "oidc", {}, browser.client);
    if (!intent.ok) throw new Error("no intent");
    const thief = new CookieJar();
    thief.cookies.set(LINK_INTENT_COOKIE, intent.value.cookie);
    const flow = await signInWithProvider(
      oidc,
      { sub: "link-2", email: "thief@example.org", emailVerified: true },
      { jar: thief },
    );
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_signup_closed`);
    const tampered = new CookieJar();
    tampered.cookies.set(SESSION_COOKIE, browser.jar.cookies.get(SESSION_COOKIE) ?? "");
    tampered.cookies.set(LINK_INTENT_COOKIE, withClaims(intent.value.cookie, { sub: "999" }));
    const forged = await signInWithProvider(
      oidc,
      { sub: "link-3", email: "forger@example.org", emailVerified: true },
      { jar: tampered },
    );
    expect(forged.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_signup_closed`);
    // An intent for another provider, altered to name this one: only its signature gives it away.
    const other = await beginProviderLink(browser.actor, "github", {}, browser.client);
    if (!other.ok) throw new Error("no intent");
    const altered = new CookieJar();
    altered.cookies.set(SESSION_COOKIE, browser.jar.cookies.get(SESSION_COOKIE) ?? "");
    altered.cookies.set(LINK_INTENT_COOKIE, withClaims(other.value.cookie, { provider: "oidc" }));
    const redirected = await signInWithProvider(
      oidc,
      { sub: "link-4", email: "forger@example.org", emailVerified: true },
      { jar: altered },
    );
    expect(redirected.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_signup_closed`);
    expect(await db.oAuthAccount.count()).toBe(0);
  });

  it("refuses a provider account already linked to another user", async () => {
    useTestProvider(oidc);
    const owner = await makeUser();
    await db.oAuthAccount.create({ data: { userId: owner.id, provider: "oidc", providerAccountId: "taken-1" } });
    const user = await makeUser();
    const browser = await webSessionFor(user);
    const intent = await beginProviderLink(browser.actor, "oidc", {}, browser.client);
    if (!intent.ok) throw new Error("no intent");
    browser.jar.cookies.set(LINK_INTENT_COOKIE, intent.value.cookie);
    const flow = await signInWithProvider(
      oidc,
      { sub: "taken-1", email: "x@example.org", emailVerified: true },
      { jar: browser.jar, client: browser.client },
    );
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_already_linked`);
  });

  it("needs step-up before it starts", async () => {
    useTestProvider(oidc);
    const user = await makeUser();
    const browser = await webSessionFor(user);
    await ageProofs({ id: browser.actor.sessionId }, new Date(Date.now() - 3_600_000));
    const stale = await beginProviderLink(browser.actor, "oidc", {}, browser.client);
    expect(stale.ok || stale.code).toBe("reauth_required");
    expect((await beginProviderLink(browser.actor, "oidc", { password: user.password }, browser.client)).ok).toBe(true);
  });
});
