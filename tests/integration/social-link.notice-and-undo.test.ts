import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as loginRoute from "@/app/api/auth/login/route";
import * as passwordReset from "@/app/api/auth/password/reset/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import type { AccountActor } from "@/lib/auth/two-factor/account-security";
import { LINK_INTENT_COOKIE, beginProviderLink } from "@/lib/auth/oauth/account-linking";
import { describeSecurityLink, secureAccountWithLink } from "@/lib/auth/notices/security-mail";
import { issueWebSession, SESSION_COOKIE } from "@/lib/auth/sessions/web-session";
import { call, newClient } from "../helpers/http";
import { inbox, subjects, useSmtp } from "../helpers/mail";
import { startOidcProvider, type TestAccount, type TestOidcProvider } from "../helpers/oidc-provider";
import { addPasskey, newAuthenticator } from "../helpers/passkeys";
import { linkIn, startSmtpServer, type ReceivedMail, type TestSmtpServer } from "../helpers/smtp";
import { APP_ORIGIN, CookieJar, OIDC_REDIRECT_URI, signInWithProvider, useTestProvider } from "../helpers/social-login";
import { accessTokenFor } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

/**
 * A linked social account is a way into the account that survives a new password: the owner is
 * told of every link, exactly once, and any "This wasn't me" link removes the link it reports and
 * every link made at or after the reported change.
 */

let oidc: TestOidcProvider;
let smtp: TestSmtpServer;
beforeAll(async () => {
  [oidc, smtp] = await Promise.all([startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] }), startSmtpServer()]);
});
afterAll(async () => {
  await Promise.all([oidc?.stop(), smtp?.stop()]);
});

const LINKED = "A social account was linked";
const NEW_PASSWORD = "the owner's new passphrase 42";

async function notices(address: string, subject: string): Promise<ReceivedMail[]> {
  return (await inbox(smtp, address)).filter((m) => m.subject.includes(subject));
}

function notMeToken(mail: ReceivedMail | undefined): string {
  return (
    new URL(linkIn(mail?.text ?? "", `${settings.webauthn.origins[0]}/secure-account?token=`)).searchParams.get(
      "token",
    ) ?? ""
  );
}

/** A signed-in browser of `user` (a fresh session proves `amr` now), with its cookie jar. */
async function browserOf(user: { id: number; username: string; isStaff: boolean }, amr: string[] = ["pwd"]) {
  const client = newClient("social-link-test");
  const session = await db.$transaction((tx) => issueWebSession(tx, { userId: user.id, amr, client }, new Date()));
  const row = await db.authSession.findFirstOrThrow({ where: { userId: user.id }, orderBy: { createdAt: "desc" } });
  const jar = new CookieJar();
  jar.cookies.set(SESSION_COOKIE, session.token);
  const actor: AccountActor = { userId: user.id, username: user.username, isStaff: user.isStaff, sessionId: row.id };
  return { client, jar, actor };
}

/** Links `account` at the test provider to `user` from the account page, as the intruder holding a session would. */
async function linkFromAccountPage(
  user: { id: number; username: string; isStaff: boolean },
  account: TestAccount,
  amr?: string[],
): Promise<void> {
  const browser = await browserOf(user, amr);
  const intent = await beginProviderLink(browser.actor, "oidc", {}, browser.client);
  if (!intent.ok) throw new Error(intent.code);
  browser.jar.cookies.set(LINK_INTENT_COOKIE, intent.value.cookie);
  const flow = await signInWithProvider(oidc, account, { jar: browser.jar, client: browser.client });
  expect(flow.location).toBe(`${APP_ORIGIN}/account/connections?linked=oidc`);
}

const signIn = (user: { username: string }, password: string) =>
  call(loginRoute.POST, "POST", "/api/auth/login", { body: { username: user.username, password } });

describe("linking a social account tells the owner, and the notice's link removes it", () => {
  it("a link from the account page mails the owner once, naming the provider; following it removes the link and secures the account", async () => {
    useTestProvider(oidc, { signupEnabled: false });
    useSmtp(smtp);
    const user = await makeUser();
    const intruder = { sub: "intruder-gh-1", email: "intruder@elsewhere.example", emailVerified: true };
    await linkFromAccountPage(user, intruder);
    // Linking the same provider account again is no new link and no new notice.
    await linkFromAccountPage(user, intruder);
    expect(await db.oAuthAccount.count({ where: { userId: user.id } })).toBe(1);
    const mails = await notices(user.email, LINKED);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain("An account at Test SSO was linked to");
    expect(await db.mailMessage.count({ where: { dedupeKey: { startsWith: `social_linked:${user.id}:` } } })).toBe(1);
    // Before the fix the intruder's provider account signs in to the owner's account.
    expect((await signInWithProvider(oidc, intruder)).location).toBe(`${APP_ORIGIN}/oauth/complete`);

    const token = notMeToken(mails[0]);
    const view = await describeSecurityLink(token);
    expect(view?.actions[0]).toBe(
      "Remove the social account linked since the change: Test SSO (intruder@elsewhere.example).",
    );
    const secured = await secureAccountWithLink(token, newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect(secured.value.done[0]).toBe(view?.actions[0]);
    expect(await db.oAuthAccount.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.oAuthSignIn.count({ where: { userId: user.id, consumedAt: null } })).toBe(0);
    // The provider sign-in no longer reaches the account (sign-up is closed: it reaches nothing).
    expect((await signInWithProvider(oidc, intruder)).location).toBe(
      `${APP_ORIGIN}/oauth/error?error=oauth_signup_closed`,
    );
    // ...and the rest of "This wasn't me" happened: sessions ended, password cleared, reset handed over.
    expect(await db.authSession.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect((await signIn(user, user.password)).status).toBe(401);
    const reset = await call(passwordReset.POST, "POST", "/api/auth/password/reset", {
      body: { token: secured.value.resetToken, new_password: NEW_PASSWORD },
    });
    expect(reset.status, JSON.stringify(reset.json)).toBe(200);
    expect(subjects(await inbox(smtp, user.email))).toContain("Your account was secured");
  });

  it("a link by trusted verified e-mail mails the owner once; following it removes the link", async () => {
    useTestProvider(oidc, { trustEmail: true, signupEnabled: false });
    useSmtp(smtp);
    const user = await makeUser({ emailVerified: true });
    const identity = { sub: "by-mail-1", email: user.email, emailVerified: true };
    expect((await signInWithProvider(oidc, identity)).location).toBe(`${APP_ORIGIN}/oauth/complete`);
    expect(await db.oAuthAccount.count({ where: { userId: user.id } })).toBe(1);
    // Signing in again through the link is no new link.
    expect((await signInWithProvider(oidc, identity)).location).toBe(`${APP_ORIGIN}/oauth/complete`);
    const mails = await notices(user.email, LINKED);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain("Test SSO");

    const secured = await secureAccountWithLink(notMeToken(mails[0]), newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect(await db.oAuthAccount.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.oAuthSignIn.count({ where: { userId: user.id, consumedAt: null } })).toBe(0);
  });
});

describe("any 'This wasn't me' link removes the social links made since the change it reports", () => {
  it("a link made after a reported passkey addition goes with that report's link; an older link of the owner stays", async () => {
    useTestProvider(oidc, { signupEnabled: false });
    useSmtp(smtp);
    const user = await makeUser();
    const owners = await db.oAuthAccount.create({
      data: {
        userId: user.id,
        provider: "oidc",
        providerAccountId: "owner-own-1",
        createdAt: new Date(Date.now() - 86_400_000),
      },
    });
    const access = await accessTokenFor(user, newClient("intruder"));
    const planted = newAuthenticator();
    await addPasskey(access, planted, "Intruder key");
    const [factorNotice] = await notices(user.email, "Two-factor authentication is on");
    // The intruder then links their own provider account, from a session that proved the passkey.
    const intruder = { sub: "late-link-1", email: "late@elsewhere.example", emailVerified: true };
    await linkFromAccountPage(user, intruder, ["pwd", "hwk", "mfa"]);
    expect(await db.oAuthAccount.count({ where: { userId: user.id } })).toBe(2);

    // The owner follows the passkey notice's link (not the social one).
    const secured = await secureAccountWithLink(notMeToken(factorNotice), newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect(secured.value.done).toContain(
      "Remove the social account linked since the change: Test SSO (late@elsewhere.example).",
    );
    expect(await db.passkeyCredential.count({ where: { userId: user.id } })).toBe(0);
    expect(
      (await db.oAuthAccount.findMany({ where: { userId: user.id }, select: { id: true } })).map((a) => a.id),
    ).toEqual([owners.id]);
    expect((await signInWithProvider(oidc, intruder)).location).toBe(
      `${APP_ORIGIN}/oauth/error?error=oauth_signup_closed`,
    );
  });
});
