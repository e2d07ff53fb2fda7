import { describe, expect, it } from "vitest";
import * as apiKeys from "@/app/api/auth/api-keys/route";
import * as disable from "@/app/api/auth/2fa/disable/route";
import * as regenerate from "@/app/api/auth/2fa/backup-codes/regenerate/route";
import * as removePasskey from "@/app/api/auth/2fa/passkey/remove/route";
import * as changePassword from "@/app/api/auth/password/change/route";
import * as reauthenticate from "@/app/api/auth/reauthenticate/route";
import * as verify from "@/app/api/auth/verify/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { requestEmailChange } from "@/lib/auth/account/email-change";
import { snapshotCounts } from "../helpers/db";
import { apiKeyAuth, createKey, enableApiKeys } from "../helpers/api-keys";
import { call, newClient, type Client } from "../helpers/http";
import { addPasskey, newAuthenticator } from "../helpers/passkeys";
import { overrideSettings } from "../helpers/settings";
import {
  accessTokenFor,
  advanceTime,
  enrollTotp,
  freezeTime,
  startSecondFactorLogin,
  totpNow,
} from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

const windowMs = () => settings.stepUpMinutes * 60_000;

/** A TOTP user signed in with password and code, on one client; the session's step-up is fresh. */
async function totpSession() {
  const user = await makeUser();
  const enrolled = await enrollTotp(user);
  const client = newClient();
  const session_id = await startSecondFactorLogin(user, client);
  const res = await call(verify.POST, "POST", "/api/auth/verify", {
    client,
    body: { session_id, totp_token: await totpNow(enrolled.secret) },
  });
  expect(res.status).toBe(200);
  advanceTime(30_000);
  return {
    user,
    client,
    secret: enrolled.secret,
    backupCodes: enrolled.backupCodes,
    access: res.json.access_token as string,
  };
}

const reauth = (client: Client, token: string, body: Record<string, unknown>) =>
  call(reauthenticate.POST, "POST", "/api/auth/reauthenticate", { client, token, body });
const post = (
  handler: typeof disable.POST,
  path: string,
  client: Client,
  token: string,
  body: Record<string, unknown> = {},
) => call(handler, "POST", path, { client, token, body });

describe("step-up: 403 naming the proof, answered by POST /api/auth/reauthenticate", () => {
  it("a stale session is refused, reauthenticates with a second factor (not the password), and may then act until the window closes", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 120 } });
    const { user, client, access, secret } = await totpSession();
    advanceTime(windowMs() + 1_000);

    const before = await snapshotCounts();
    const refused = await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access);
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({
      code: "second_factor_required",
      proof: "second_factor",
      error: "Confirm with your authenticator app, a passkey or a backup code to continue",
    });
    expect(await snapshotCounts()).toEqual(before);

    // The password is not the proof the policy names for an account with a second factor.
    const password = await reauth(client, access, { password: user.password });
    expect(password.status).toBe(403);
    expect(password.json).toMatchObject({ code: "second_factor_required", proof: "second_factor" });
    expect(await snapshotCounts()).toEqual(before);

    const proved = await reauth(client, access, { totp_token: await totpNow(secret) });
    expect(proved.status, JSON.stringify(proved.json)).toBe(200);
    expect(proved.json).toEqual({
      message: "Reauthenticated",
      reauth_valid_until: new Date(Date.now() + windowMs()).toISOString(),
      proved: "totp",
    });
    expect((await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access)).status).toBe(200);

    // Fake time: one second before the window closes it still holds; one second after, it does not.
    advanceTime(windowMs() - 1_000);
    expect((await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access)).status).toBe(200);
    advanceTime(2_000);
    expect((await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access)).json.code).toBe(
      "second_factor_required",
    );
    expect(await db.securityEvent.count({ where: { type: "reauth.succeeded", userId: user.id } })).toBe(1);
  });

  it("accepts a TOTP code or a backup code (spent), refuses wrong proofs and a missing one", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 120 } });
    const { user, client, secret, backupCodes, access } = await totpSession();
    advanceTime(windowMs() + 1_000);
    const session = () =>
      db.authSession.findFirstOrThrow({
        where: { userId: user.id, revokedAt: null },
        orderBy: { createdAt: "desc" },
        select: { reauthAt: true },
      });
    const stale = (await session()).reauthAt;

    const wrong = await reauth(client, access, { backup_code: "NOTACODE00" });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe("invalid_reauth");
    expect((await reauth(client, access, { totp_token: "000000" })).status).toBe(401);
    const empty = await reauth(client, access, {});
    expect(empty.status).toBe(400);
    expect(empty.json.code).toBe("validation_error");
    expect((await session()).reauthAt).toEqual(stale);

    expect((await reauth(client, access, { totp_token: await totpNow(secret) })).status).toBe(200);
    advanceTime(windowMs() + 1_000);
    const code = backupCodes[0] ?? "";
    expect((await reauth(client, access, { backup_code: code })).status).toBe(200);
    expect(await db.backupCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
    expect((await reauth(client, access, { backup_code: code })).status).toBe(401);
  });

  it("is for session bearers only: API keys and anonymous callers are refused", async () => {
    enableApiKeys();
    const user = await makeUser();
    const access = await accessTokenFor(user);
    const key = (await createKey(access, { name: "k" })).api_key;
    const withKey = await call(reauthenticate.POST, "POST", "/api/auth/reauthenticate", {
      headers: apiKeyAuth(key),
      body: { password: user.password },
    });
    expect(withKey.status).toBe(403);
    expect(withKey.json.code).toBe("api_key_not_allowed");
    expect(
      (await call(reauthenticate.POST, "POST", "/api/auth/reauthenticate", { body: { password: user.password } }))
        .status,
    ).toBe(401);
  });

  it("guards every sensitive action: disable 2FA, remove a factor, regenerate codes, create an API key, change password or e-mail", async () => {
    freezeTime();
    enableApiKeys();
    overrideSettings({ tokens: { accessMinutes: 120 } });
    const { user, client, access, secret } = await totpSession();
    const passkey = await addPasskey(access, newAuthenticator());
    const sessionRow = await db.authSession.findFirstOrThrow({
      where: { userId: user.id, revokedAt: null },
      orderBy: { createdAt: "desc" },
    });
    advanceTime(windowMs() + 1_000);

    const before = await snapshotCounts();
    const answers = [
      await post(disable.POST, "/api/auth/2fa/disable", client, access),
      await call(removePasskey.DELETE, "DELETE", "/api/auth/2fa/passkey/remove", {
        client,
        token: access,
        body: { credential_id: passkey.credential_id },
      }),
      await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access),
      await call(apiKeys.POST, "POST", "/api/auth/api-keys", { client, token: access, body: { name: "late" } }),
      // The current password is required and right, but it is not the second factor the policy asks for.
      await post(changePassword.POST, "/api/auth/password/change", client, access, {
        password: user.password,
        new_password: "a different long passphrase",
      }),
    ];
    for (const res of answers) {
      expect(res.status, JSON.stringify(res.json)).toBe(403);
      expect(res.json.code).toBe("second_factor_required");
    }
    const actor = { userId: user.id, username: user.username, isStaff: false, sessionId: sessionRow.id };
    const email = await requestEmailChange(actor, "somewhere-new@example.org", {}, client);
    expect(email.ok ? "ok" : email.code).toBe("second_factor_required");
    expect(await snapshotCounts()).toEqual(before);

    expect((await reauth(client, access, { totp_token: await totpNow(secret) })).status).toBe(200);
    const noCurrent = await post(changePassword.POST, "/api/auth/password/change", client, access, {
      new_password: "a different long passphrase",
    });
    expect(noCurrent.status).toBe(400);
    expect(noCurrent.json.code).toBe("current_password_required");
    expect(
      (
        await post(changePassword.POST, "/api/auth/password/change", client, access, {
          password: user.password,
          new_password: "a different long passphrase",
        })
      ).status,
    ).toBe(200);
    expect((await requestEmailChange(actor, "somewhere-new@example.org", {}, client)).ok).toBe(true);
  });

  it("a proof sent with the action itself still works (the current password for a password change)", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 120 } });
    const user = await makeUser();
    const client = newClient();
    const access = await accessTokenFor(user, client);
    advanceTime(windowMs() + 1_000);
    const res = await post(changePassword.POST, "/api/auth/password/change", client, access, {
      password: user.password,
      new_password: "another long passphrase",
      keep_other_sessions: true,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toEqual({ message: "Password changed", revoked_sessions: 0 });
  });
});
