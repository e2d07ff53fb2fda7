import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as register from "@/app/api/auth/register/route";
import { db } from "@/lib/db";
import {
  confirmEmailVerification,
  describeEmailVerification,
  MAX_VERIFICATION_LINKS_PER_HOUR,
  requestEmailVerificationResend,
} from "@/lib/auth/account/email-verification";
import { confirmEmailChange } from "@/lib/auth/account/email-change";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { randomToken, sha256Hex } from "@/lib/auth/secrets";
import { getAdminUser } from "@/lib/auth/admin/users";
import { settleMailDeliveries } from "@/lib/mail/outbox";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import {
  APP_ORIGIN,
  callBridge,
  OIDC_REDIRECT_URI,
  signInWithProvider,
  useTestProvider,
} from "../helpers/social-login";
import { call, newClient } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { accessTokenFor, passwordLogin } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

let oidc: TestOidcProvider;
beforeAll(async () => {
  oidc = await startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] });
});
afterAll(async () => {
  await oidc?.stop();
});

const ATTACKER_PASSWORD = "attacker owns this passphrase";

/** Public sign-up through the API, as anyone on the internet can. */
async function signUp(username: string, email: string, password = ATTACKER_PASSWORD) {
  const res = await call(register.POST, "POST", "/api/auth/register", {
    client: newClient(),
    body: { username, email, password },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { id: number; username: string; email: string };
}

/** The confirmation link's token from the outbox (no SMTP in tests: the row keeps the full text). */
async function latestVerificationToken(email: string): Promise<string> {
  await settleMailDeliveries();
  const mail = await db.mailMessage.findFirstOrThrow({
    where: { toAddress: email, dedupeKey: { startsWith: "email_verification:" } },
    orderBy: { id: "desc" },
  });
  const token = /\/verify-email\?token=([\w-]{43})/.exec(mail.text)?.[1];
  if (!token) throw new Error("no confirmation link in the mail");
  return token;
}

describe("pre-account takeover: a registered but unconfirmed address is never linked", () => {
  it("an attacker who registers the victim's address does not receive the victim's provider identity", async () => {
    useTestProvider(oidc, { trustEmail: true });
    const attacker = await signUp("mallory", "victim@corp.example");
    expect((await getAdminUser(attacker.id))?.emailVerifiedAt).toBeNull();
    // The attacker can sign in to the account they made (optional mode), but never confirmed it.
    expect((await passwordLogin({ username: "mallory", password: ATTACKER_PASSWORD })).status).toBe(200);

    const victim = await signInWithProvider(oidc, {
      sub: "victim-sub",
      email: "victim@corp.example",
      emailVerified: true,
    });
    expect(victim.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_account_not_linked`);
    expect(await db.oAuthAccount.count()).toBe(0);
    expect(await db.oAuthSignIn.count()).toBe(0);
    expect((await callBridge(victim.jar, victim.client)).status).toBe(401);
    expect(await db.securityEvent.count({ where: { type: "oauth.refused", userId: attacker.id } })).toBe(1);
  });

  it("links once the account's owner has confirmed the address through the mailed link", async () => {
    useTestProvider(oidc, { trustEmail: true });
    const owner = await signUp("olivia", "olivia@corp.example", "quiet river under stone bridge");
    const token = await latestVerificationToken("olivia@corp.example");
    expect(await describeEmailVerification(token)).toEqual({ username: "olivia", email: "olivia@corp.example" });
    const confirmed = await confirmEmailVerification(token, newClient());
    expect(confirmed.ok).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: owner.id } })).emailVerifiedAt).toBeInstanceOf(Date);
    // The admin user page reads it from here.
    expect((await getAdminUser(owner.id))?.emailVerifiedAt).toBeInstanceOf(Date);
    // Single use.
    expect((await confirmEmailVerification(token, newClient())).ok).toBe(false);

    const flow = await signInWithProvider(oidc, {
      sub: "olivia-sub",
      email: "olivia@corp.example",
      emailVerified: true,
    });
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    expect((await callBridge(flow.jar, flow.client)).status).toBe(200);
    expect(await db.oAuthAccount.count({ where: { userId: owner.id } })).toBe(1);
  });

  it("a link mailed to an earlier address confirms nothing after the address changed", async () => {
    overrideSettings({ signupEnabled: true });
    const user = await signUp("paula", "paula@old.example", "quiet river under stone bridge");
    const token = await latestVerificationToken("paula@old.example");
    await db.user.update({ where: { id: user.id }, data: { email: "paula@new.example" } });
    expect(await describeEmailVerification(token)).toBeNull();
    const refused = await confirmEmailVerification(token, newClient());
    expect(refused.ok || refused.code).toBe("invalid_email_verification_token");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).toBeNull();
  });

  it("an account created through a trusted provider counts as verified; through an untrusted one it does not", async () => {
    useTestProvider(oidc, { trustEmail: true });
    const trusted = await signInWithProvider(oidc, {
      sub: "new-1",
      email: "quentin@corp.example",
      emailVerified: true,
    });
    expect(trusted.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    expect(
      (await db.user.findUniqueOrThrow({ where: { email: "quentin@corp.example" } })).emailVerifiedAt,
    ).toBeInstanceOf(Date);

    useTestProvider(oidc, { trustEmail: false });
    const untrusted = await signInWithProvider(oidc, { sub: "new-2", email: "rita@corp.example", emailVerified: true });
    expect(untrusted.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    const rita = await db.user.findUniqueOrThrow({ where: { email: "rita@corp.example" } });
    expect(rita.emailVerifiedAt).toBeNull();
    await latestVerificationToken("rita@corp.example");
  });
});

describe("a completed e-mail change", () => {
  it("verifies the new address (the link reached it)", async () => {
    const user = await makeUser();
    // A change is bound to the live session that asked for it.
    const claims = await decodeAccessToken(await accessTokenFor(user));
    const token = randomToken(32);
    await db.emailChangeRequest.create({
      data: {
        userId: user.id,
        sessionId: claims?.sessionId ?? null,
        newEmail: "moved@example.org",
        tokenHash: sha256Hex(token),
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt).toBeNull();
    expect((await confirmEmailChange(token, newClient())).ok).toBe(true);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.email).toBe("moved@example.org");
    expect(after.emailVerifiedAt).toBeInstanceOf(Date);
  });
});

describe("LOKDOWN_EMAIL_VERIFICATION=required", () => {
  it("blocks sign-in until the address is confirmed (after the password only), then allows it", async () => {
    overrideSettings({ signupEnabled: true, emailVerification: { required: true } });
    await signUp("sam", "sam@example.org", "quiet river under stone bridge");
    const wrong = await passwordLogin({ username: "sam", password: "not the password at all" });
    expect(wrong.status).toBe(401);
    const blocked = await passwordLogin({ username: "sam", password: "quiet river under stone bridge" });
    expect(blocked.status).toBe(403);
    expect(blocked.json.code).toBe("email_not_verified");
    expect(await db.authSession.count()).toBe(0);

    expect((await confirmEmailVerification(await latestVerificationToken("sam@example.org"), newClient())).ok).toBe(
      true,
    );
    const allowed = await passwordLogin({ username: "sam", password: "quiet river under stone bridge" });
    expect(allowed.status).toBe(200);
  });

  it("blocks a provider sign-in into an unconfirmed account too", async () => {
    useTestProvider(oidc);
    overrideSettings({ emailVerification: { required: true } });
    const user = await makeUser();
    await db.oAuthAccount.create({
      data: {
        userId: user.id,
        provider: "oidc",
        providerAccountId: "linked-unverified",
        email: user.email,
        emailVerified: true,
      },
    });
    const flow = await signInWithProvider(oidc, { sub: "linked-unverified", email: user.email, emailVerified: true });
    const bridged = await callBridge(flow.jar, flow.client);
    expect(bridged.status).toBe(403);
    expect(bridged.json.code).toBe("email_not_verified");
    expect(await db.authSession.count()).toBe(0);
  });

  it("optional (the default) lets an unconfirmed account sign in", async () => {
    const user = await makeUser();
    expect((await passwordLogin(user)).status).toBe(200);
  });

  it("resending answers alike for every input and is capped per account", async () => {
    const user = await makeUser();
    const unknown = await requestEmailVerificationResend("nobody@example.org", newClient());
    expect(unknown.ok).toBe(true);
    for (let i = 0; i < MAX_VERIFICATION_LINKS_PER_HOUR + 3; i++) {
      expect((await requestEmailVerificationResend(user.email, newClient())).ok).toBe(true);
    }
    await settleMailDeliveries();
    expect(await db.emailVerificationToken.count({ where: { userId: user.id } })).toBe(MAX_VERIFICATION_LINKS_PER_HOUR);
    expect(await db.mailMessage.count({ where: { toAddress: user.email } })).toBe(MAX_VERIFICATION_LINKS_PER_HOUR);
    // A verified account gets nothing.
    const verified = await makeUser({ emailVerified: true });
    await requestEmailVerificationResend(verified.username, newClient());
    await settleMailDeliveries();
    expect(await db.emailVerificationToken.count({ where: { userId: verified.id } })).toBe(0);
  });

  it("resending is rate-limited per address", async () => {
    const client = newClient();
    const answers = [];
    for (let i = 0; i < 15; i++) answers.push(await requestEmailVerificationResend(`x${i}@example.org`, client));
    expect(answers.some((a) => !a.ok && a.code === "rate_limited")).toBe(true);
  });
});
