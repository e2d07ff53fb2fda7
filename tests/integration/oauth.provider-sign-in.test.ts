import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import {
  APP_ORIGIN,
  callBridge,
  OIDC_REDIRECT_URI,
  signInWithProvider,
  useTestProvider,
} from "../helpers/social-login";
import { enrollTotp, freezeTime } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { snapshotCounts } from "../helpers/db";

let oidc: TestOidcProvider;
beforeAll(async () => {
  oidc = await startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] });
});
afterAll(async () => {
  await oidc?.stop();
});

let subs = 0;
const person = (email: string, emailVerified = true) => ({
  sub: `sub-${(subs += 1)}-${Math.random().toString(36).slice(2, 8)}`,
  email,
  emailVerified,
});

describe("sign-in through a real OpenID Connect provider", () => {
  it("creates a user on the first sign-in, bridges it into a token pair, and finds the same user next time", async () => {
    useTestProvider(oidc);
    const account = person("Alice.Smith@Example.com");
    const flow = await signInWithProvider(oidc, account, { callbackUrl: "/" });
    expect(flow.location).toBe(`${APP_ORIGIN}/`);
    const bridged = await callBridge(flow.jar, flow.client);
    expect(bridged.status).toBe(200);
    expect(bridged.json).toMatchObject({ requires_2fa: false, requires_2fa_setup: false });
    expect(typeof bridged.json.access_token).toBe("string");
    expect(typeof bridged.json.refresh_token).toBe("string");
    const user = await db.user.findUniqueOrThrow({
      where: { email: "alice.smith@example.com" },
      include: { oauthAccounts: true },
    });
    expect(user.username).toBe("alice.smith");
    expect(user.passwordHash).toBeNull();
    expect(user.oauthAccounts).toMatchObject([
      { provider: "oidc", providerAccountId: account.sub, emailVerified: true },
    ]);

    const again = await signInWithProvider(oidc, account, { callbackUrl: "/" });
    expect((await callBridge(again.jar, again.client)).status).toBe(200);
    expect(await db.user.count()).toBe(1);
  });

  it("makes the username unique when the e-mail's local part is taken", async () => {
    useTestProvider(oidc);
    await makeUser({ username: "bob" });
    const flow = await signInWithProvider(oidc, person("bob@elsewhere.example"));
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    expect((await callBridge(flow.jar, flow.client)).status).toBe(200);
    const user = await db.user.findUniqueOrThrow({ where: { email: "bob@elsewhere.example" } });
    expect(user.username).toBe("bob_2");
  });

  it("refuses a new account while registration is closed, and creates nothing", async () => {
    useTestProvider(oidc, { signupEnabled: false });
    const before = await snapshotCounts();
    const flow = await signInWithProvider(oidc, person("carol@example.org"));
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_signup_closed`);
    expect(flow.jar.cookies.has("authjs.session-token")).toBe(false);
    const after = await snapshotCounts();
    expect(after).toEqual(before);
  });

  it("refuses to create an account for an address the provider has not verified", async () => {
    useTestProvider(oidc);
    const flow = await signInWithProvider(oidc, person("dave@example.org", false));
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_email_not_verified`);
    expect(await db.user.count()).toBe(0);
  });

  it("links to an existing account by e-mail only when the provider verified it", async () => {
    useTestProvider(oidc, { trustEmail: true });
    const existing = await makeUser({ username: "erin", emailVerified: true });
    const unverified = await signInWithProvider(oidc, person(existing.email, false));
    expect(unverified.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_email_not_verified`);
    expect(await db.oAuthAccount.count()).toBe(0);
    expect(await db.securityEvent.count({ where: { type: "oauth.refused", userId: null } })).toBe(1);

    const verified = await signInWithProvider(oidc, person(existing.email, true));
    expect(verified.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    const bridged = await callBridge(verified.jar, verified.client);
    expect(bridged.status).toBe(200);
    expect(await db.oAuthAccount.findFirst({ where: { userId: existing.id } })).not.toBeNull();
    expect(await db.user.count()).toBe(1);
  });

  it("never links by e-mail to an account with two-factor authentication or to staff", async () => {
    freezeTime();
    useTestProvider(oidc, { trustEmail: true });
    const protectedUser = await makeUser({ username: "frank", emailVerified: true });
    await enrollTotp(protectedUser);
    const staff = await makeUser({ username: "grace", staff: true, emailVerified: true });
    for (const target of [protectedUser, staff]) {
      const flow = await signInWithProvider(oidc, person(target.email, true));
      expect(flow.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_account_not_linked`);
    }
    expect(await db.oAuthAccount.count()).toBe(0);
  });

  it("sends a linked user with TOTP to the second-factor step, like a password login", async () => {
    freezeTime();
    useTestProvider(oidc);
    const user = await makeUser({ username: "heidi" });
    await enrollTotp(user);
    const account = person(user.email);
    await db.oAuthAccount.create({
      data: {
        userId: user.id,
        provider: "oidc",
        providerAccountId: account.sub,
        email: user.email,
        emailVerified: true,
      },
    });
    const flow = await signInWithProvider(oidc, account);
    const bridged = await callBridge(flow.jar, flow.client);
    expect(bridged.status).toBe(200);
    expect(bridged.json).toMatchObject({
      requires_2fa: true,
      requires_2fa_setup: false,
      totp_enabled: true,
      passkey_enabled: false,
      backup_codes_available: true,
    });
    expect(bridged.json.access_token).toBeUndefined();
    const session = await db.loginSession.findUniqueOrThrow({ where: { id: bridged.json.session_id as string } });
    expect(session.firstFactor).toBe("oauth");
  });

  it("sends staff without a factor to enrollment (Pre2FA-setup)", async () => {
    useTestProvider(oidc);
    const staff = await makeUser({ username: "ivan", staff: true });
    const account = person(staff.email);
    await db.oAuthAccount.create({
      data: {
        userId: staff.id,
        provider: "oidc",
        providerAccountId: account.sub,
        email: staff.email,
        emailVerified: true,
      },
    });
    const flow = await signInWithProvider(oidc, account);
    const bridged = await callBridge(flow.jar, flow.client);
    expect(bridged.json).toMatchObject({
      requires_2fa: true,
      requires_2fa_setup: true,
      totp_available: true,
      passkey_available: true,
    });
  });

  it("refuses a deactivated account", async () => {
    useTestProvider(oidc);
    const user = await makeUser({ username: "judy" });
    const account = person(user.email);
    await db.oAuthAccount.create({
      data: {
        userId: user.id,
        provider: "oidc",
        providerAccountId: account.sub,
        email: user.email,
        emailVerified: true,
      },
    });
    await db.user.update({ where: { id: user.id }, data: { isActive: false } });
    const flow = await signInWithProvider(oidc, account);
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_account_inactive`);
  });
});
