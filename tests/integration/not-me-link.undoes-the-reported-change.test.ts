import { proveSecondFactorNow } from "../helpers/step-up";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as apiKeys from "@/app/api/auth/api-keys/route";
import * as loginRoute from "@/app/api/auth/login/route";
import * as passkeyLogin from "@/app/api/auth/passkey/login/route";
import * as passkeyLoginOptions from "@/app/api/auth/passkey/login/options/route";
import * as passwordChange from "@/app/api/auth/password/change/route";
import * as passwordReset from "@/app/api/auth/password/reset/route";
import * as me from "@/app/api/me/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { confirmEmailChange, requestEmailChange } from "@/lib/auth/account/email-change";
import { describeSecurityLink, secureAccountWithLink } from "@/lib/auth/notices/security-mail";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { apiKeyAuth, enableApiKeys } from "../helpers/api-keys";
import { call, newClient } from "../helpers/http";
import { inbox, subjects, useSmtp } from "../helpers/mail";
import { addPasskey, newAuthenticator, type RequestOptions } from "../helpers/passkeys";
import { addTrustedDevice, daysAhead, giveTotp } from "../helpers/security-seed";
import { linkIn, startSmtpServer, type ReceivedMail, type TestSmtpServer } from "../helpers/smtp";
import { accessTokenFor, enrollTotp, freezeTime } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { withClaims } from "../helpers/signed-token";

/**
 * Finding 15.3: the "This wasn't me" link names the change it reports and undoes it, then ends
 * every session, trusted browser, API key and outstanding link, and makes the owner set a new
 * password (the old one may be the intruder's).
 */

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

const NEW_PASSWORD = "the owner's new passphrase 42";

async function notice(address: string, subject: string): Promise<{ mail: ReceivedMail; token: string }> {
  const mail = (await inbox(smtp, address)).find((m) => m.subject.includes(subject));
  if (!mail) throw new Error(`no "${subject}" mail to ${address}: ${subjects(await inbox(smtp, address)).join(", ")}`);
  const token =
    new URL(linkIn(mail.text, `${settings.webauthn.origins[0]}/secure-account?token=`)).searchParams.get("token") ?? "";
  return { mail, token };
}

async function passwordless(authenticator: ReturnType<typeof newAuthenticator>) {
  const client = newClient();
  const begun = await call(passkeyLoginOptions.POST, "POST", "/api/auth/passkey/login/options", { client });
  return call(passkeyLogin.POST, "POST", "/api/auth/passkey/login", {
    client,
    body: {
      session_id: begun.json.session_id,
      passkey_response: authenticator.assert(begun.json.options as RequestOptions),
    },
  });
}

const signIn = (user: { username: string }, password: string) =>
  call(loginRoute.POST, "POST", "/api/auth/login", { body: { username: user.username, password } });

/** What every use of the link does, whatever the notice: checked after each kind below. */
async function expectAccountSecured(userId: number, username: string, knownPassword: string, resetToken: string) {
  expect(await db.authSession.count({ where: { userId, revokedAt: null } })).toBe(0);
  expect(await db.trustedDevice.count({ where: { userId, revokedAt: null } })).toBe(0);
  expect(await db.apiKey.count({ where: { userId, revokedAt: null } })).toBe(0);
  expect(await db.emailChangeRequest.count({ where: { userId, usedAt: null } })).toBe(0);
  // The password whoever made the change may know no longer signs in...
  expect((await signIn({ username }, knownPassword)).status).toBe(401);
  // ...and the owner is handed a reset link to choose a new one.
  const reset = await call(passwordReset.POST, "POST", "/api/auth/password/reset", {
    body: { token: resetToken, new_password: NEW_PASSWORD },
  });
  expect(reset.status, JSON.stringify(reset.json)).toBe(200);
  expect((await signIn({ username }, NEW_PASSWORD)).status).toBe(200);
}

describe("'This wasn't me' undoes the change it reports", () => {
  it("a planted passkey (2FA turned on) is removed and no longer signs in; its backup codes go too", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    const access = await accessTokenFor(user, newClient("intruder"));
    const planted = newAuthenticator();
    await addPasskey(access, planted, "Intruder key");
    expect((await passwordless(planted)).status).toBe(200);
    await addTrustedDevice(user.id, { expiresAt: daysAhead(new Date(), 10) });
    const { token } = await notice(user.email, "Two-factor authentication is on");
    const view = await describeSecurityLink(token);
    expect(view?.actions[0]).toBe("Remove the passkey “Intruder key” that was added.");

    const secured = await secureAccountWithLink(token, newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect(secured.value.done).toContain("Remove the passkey “Intruder key” that was added.");
    expect(await db.passkeyCredential.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.backupCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await passwordless(planted)).status).not.toBe(200);
    expect((await call(me.GET, "GET", "/api/me", { token: access })).status).toBe(401);
    await expectAccountSecured(user.id, user.username, user.password, secured.value.resetToken);
  });

  it("a passkey added beside an existing factor is removed; the owner's authenticator app stays", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    const access = await accessTokenFor(user, newClient("intruder"));
    await giveTotp(user.id);
    const planted = newAuthenticator();
    await proveSecondFactorNow(access); // adding a factor (or new codes) needs a fresh second factor
    await addPasskey(access, planted, "Second key");
    const { token } = await notice(user.email, "A second factor was added");
    const secured = await secureAccountWithLink(token, newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect(await db.passkeyCredential.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.totpDevice.count({ where: { userId: user.id, secretEncrypted: { not: null } } })).toBe(1);
    expect((await passwordless(planted)).status).not.toBe(200);
  });

  it("an authenticator app someone set up is removed with the backup codes they saw", async () => {
    freezeTime();
    useSmtp(smtp);
    const user = await makeUser();
    await enrollTotp(user, newClient("intruder"));
    expect(await db.totpDevice.count({ where: { userId: user.id } })).toBe(1);
    const { token } = await notice(user.email, "Two-factor authentication is on");
    const secured = await secureAccountWithLink(token, newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect(await db.totpDevice.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.backupCode.count({ where: { userId: user.id } })).toBe(0);
    await expectAccountSecured(user.id, user.username, user.password, secured.value.resetToken);
    // Without the intruder's app, the new password alone signs in: no second factor is asked.
    expect((await signIn(user, NEW_PASSWORD)).json.requires_2fa).toBe(false);
  });

  it("a completed e-mail change is reverted to the previous address, which gets the confirmation", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    const access = await accessTokenFor(user, newClient("intruder"));
    const session = await decodeAccessToken(access);
    if (!session) throw new Error("no session");
    const stolen = `${user.username}@intruder.example.net`;
    expect(
      (
        await requestEmailChange(
          { userId: user.id, username: user.username, isStaff: false, sessionId: session.sessionId },
          stolen,
          {},
          newClient(),
        )
      ).ok,
    ).toBe(true);
    const confirmation =
      new URL(
        linkIn(
          (await inbox(smtp, stolen))[0]?.text ?? "",
          `${settings.webauthn.origins[0]}/account/profile/confirm-email?token=`,
        ),
      ).searchParams.get("token") ?? "";
    expect((await confirmEmailChange(confirmation, newClient())).ok).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(stolen);
    const { token } = await notice(user.email, "Your e-mail address was changed");

    const secured = await secureAccountWithLink(token, newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
    expect(subjects(await inbox(smtp, user.email))).toContain("Your account was secured");
    await expectAccountSecured(user.id, user.username, user.password, secured.value.resetToken);
  });

  it("when another account has taken the previous address since, the address stays but the account is still secured", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    const access = await accessTokenFor(user, newClient("intruder"));
    const session = await decodeAccessToken(access);
    if (!session) throw new Error("no session");
    const stolen = `${user.username}@elsewhere.example.net`;
    await requestEmailChange(
      { userId: user.id, username: user.username, isStaff: false, sessionId: session.sessionId },
      stolen,
      {},
      newClient(),
    );
    const confirmation =
      new URL(
        linkIn(
          (await inbox(smtp, stolen))[0]?.text ?? "",
          `${settings.webauthn.origins[0]}/account/profile/confirm-email?token=`,
        ),
      ).searchParams.get("token") ?? "";
    expect((await confirmEmailChange(confirmation, newClient())).ok).toBe(true);
    const { token } = await notice(user.email, "Your e-mail address was changed");
    // Only an account that confirmed the address keeps it (an unconfirmed squatter is moved aside:
    // not-me-link.email-undo-cannot-be-blocked.test.ts).
    await db.user.create({
      data: {
        username: `${user.username}-squat`,
        email: user.email,
        emailVerifiedAt: new Date(),
        webauthnUserHandle: `squat-${user.id}`,
      },
    });

    const secured = await secureAccountWithLink(token, newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect(secured.value.done[0]).toMatch(/could not be changed back/);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(stolen);
    expect((await call(me.GET, "GET", "/api/me", { token: access })).status).toBe(401);
  });

  it("after a password change, neither password signs in until the owner sets a new one; every API key is revoked", async () => {
    useSmtp(smtp);
    enableApiKeys();
    const user = await makeUser();
    const owner = await accessTokenFor(user, newClient("owner"));
    const ownersKey = await call(apiKeys.POST, "POST", "/api/auth/api-keys", {
      token: owner,
      body: { name: "owner's CI" },
    });
    expect(ownersKey.status).toBe(201);
    const intruder = await accessTokenFor(user, newClient("intruder"));
    const changed = await call(passwordChange.POST, "POST", "/api/auth/password/change", {
      token: intruder,
      body: {
        new_password: "the intruder's passphrase 7",
        keep_other_sessions: true,
        password: user.password,
        current_password: user.password,
      },
    });
    expect(changed.status).toBe(200);
    const { token } = await notice(user.email, "Your password was changed");

    const secured = await secureAccountWithLink(token, newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect(
      (await call(me.GET, "GET", "/api/me", { headers: apiKeyAuth(ownersKey.json.api_key as string) })).status,
    ).toBe(401);
    expect((await signIn(user, user.password)).status).toBe(401);
    await expectAccountSecured(user.id, user.username, "the intruder's passphrase 7", secured.value.resetToken);
  });

  it("after an API key was created, every key is revoked, not only that one", async () => {
    useSmtp(smtp);
    enableApiKeys();
    const user = await makeUser();
    const access = await accessTokenFor(user);
    const older = await call(apiKeys.POST, "POST", "/api/auth/api-keys", { token: access, body: { name: "older" } });
    const newer = await call(apiKeys.POST, "POST", "/api/auth/api-keys", {
      token: access,
      body: { name: "unknown to me" },
    });
    const mails = (await inbox(smtp, user.email)).filter((m) => m.subject.includes("A new API key was created"));
    const last = mails[mails.length - 1];
    const token =
      new URL(linkIn(last?.text ?? "", `${settings.webauthn.origins[0]}/secure-account?token=`)).searchParams.get(
        "token",
      ) ?? "";
    expect((await secureAccountWithLink(token, newClient())).ok).toBe(true);
    for (const key of [older, newer])
      expect((await call(me.GET, "GET", "/api/me", { headers: apiKeyAuth(key.json.api_key as string) })).status).toBe(
        401,
      );
  });

  it("a link whose undo part was altered is refused", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    await addPasskey(await accessTokenFor(user), newAuthenticator(), "Mine");
    const { token } = await notice(user.email, "Two-factor authentication is on");
    const res = await secureAccountWithLink(withClaims(token, { r: { t: "passkey", id: 1 } }), newClient());
    expect(res.ok ? "ok" : res.code).toBe("invalid_security_link");
    expect(await db.passkeyCredential.count({ where: { userId: user.id } })).toBe(1);
  });
});
