import { describe, expect, it } from "vitest";
import * as token from "@/app/api/auth/token/route";
import * as verify from "@/app/api/auth/verify/route";
import * as loginSetupTotp from "@/app/api/auth/login/setup/totp/route";
import * as loginVerifyTotp from "@/app/api/auth/login/verify/totp/route";
import * as me from "@/app/api/me/route";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { call, newClient, type Client } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { snapshotCounts } from "../helpers/db";
import { makeUser } from "../helpers/users";
import {
  advanceTime,
  enrollStaffTotp,
  enrollTotp,
  freezeTime,
  passwordLogin,
  startSecondFactorLogin,
  totpNow,
} from "../helpers/two-factor";

const setupTotp = (client: Client, session_id: unknown) =>
  call(loginSetupTotp.POST, "POST", "/api/auth/login/setup/totp", { client, body: { session_id } });
const verifyTotp = (client: Client, session_id: unknown, totp_token: string) =>
  call(loginVerifyTotp.POST, "POST", "/api/auth/login/verify/totp", { client, body: { session_id, totp_token } });

async function wrongCodeFor(secret: string): Promise<string> {
  const near = await Promise.all([-1, 0, 1].map((o) => totpNow(secret, o)));
  return ["000000", "111111", "222222", "333333"].find((c) => !near.includes(c)) ?? "444444";
}

describe("staff first login under ADMIN_2FA_REQUIRED (§4.4)", () => {
  it("a staff user without 2FA gets the Pre2FA-setup payload, not tokens", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const res = await passwordLogin(staff);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      session_id: expect.any(String),
      requires_2fa: true,
      requires_2fa_setup: true,
      totp_enabled: false,
      passkey_enabled: false,
      backup_codes_available: false,
      totp_available: settings.totpEnabled,
      passkey_available: settings.passkeyEnabled,
    });
    expect(await db.authSession.count()).toBe(0);
  });

  it("/auth/token answers 401 with the setup payload and message", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const res = await call(token.POST, "POST", "/api/auth/token", {
      body: { username: staff.username, password: staff.password },
    });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      requires_2fa: true,
      requires_2fa_setup: true,
      totp_available: true,
      message: "2FA setup required",
    });
  });

  it("enrolls through /login/setup/totp + /login/verify/totp and gets tokens and backup codes", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const client = newClient();
    const session_id = (await passwordLogin(staff, client)).json.session_id;
    const setup = await setupTotp(client, session_id);
    expect(setup.status).toBe(200);
    expect(Object.keys(setup.json).sort()).toEqual(["provisioning_uri", "qr_code", "secret"]);
    const secret = setup.json.secret as string;
    // Not enabled until the code is verified.
    expect(await db.totpDevice.count({ where: { userId: staff.id, secretEncrypted: { not: null } } })).toBe(0);

    const done = await verifyTotp(client, session_id, await totpNow(secret));
    expect(done.status).toBe(200);
    expect(Object.keys(done.json).sort()).toEqual([
      "access_token",
      "backup_codes",
      "message",
      "refresh_token",
      "requires_2fa",
    ]);
    expect(done.json.message).toBe("TOTP setup verified successfully");
    expect(done.json.requires_2fa).toBe(false);
    expect(done.json.backup_codes).toHaveLength(settings.backupCodes.count);
    const claims = await decodeAccessToken(done.json.access_token as string);
    expect(claims?.amr).toEqual(expect.arrayContaining(["pwd", "otp", "mfa"]));
    const profile = await call(me.GET, "GET", "/api/me", { token: done.json.access_token as string });
    expect(profile.json).toMatchObject({ username: staff.username, is_staff: true });
    expect(
      await db.securityEvent.count({
        where: { type: "login.succeeded", userId: staff.id, details: { path: ["second_factor"], equals: "totp" } },
      }),
    ).toBe(1);

    // The session is spent; the next sign-in asks for the new factor.
    const again = await setupTotp(client, session_id);
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ error: "Session already used", code: "session_used" });
    const next = await passwordLogin(staff);
    expect(next.json).toMatchObject({
      requires_2fa: true,
      requires_2fa_setup: false,
      totp_enabled: true,
      backup_codes_available: true,
    });
  });

  it("concurrent confirmations of one enrollment mint exactly one token pair", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const client = newClient();
    const session_id = (await passwordLogin(staff, client)).json.session_id;
    const setup = await setupTotp(client, session_id);
    const code = await totpNow(setup.json.secret as string);
    const results = await Promise.all(Array.from({ length: 6 }, () => verifyTotp(client, session_id, code)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200))
      expect(r.json).toEqual({ error: "Session already used", code: "session_used" });
    expect(await db.authSession.count({ where: { userId: staff.id } })).toBe(1);
    expect(await db.backupCode.count({ where: { userId: staff.id } })).toBe(settings.backupCodes.count);
  });

  it("refuses enrollment once the user has a factor: 400 2FA is already enabled (W1/W2)", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const { secret } = await enrollStaffTotp(staff);
    const stored = await db.totpDevice.findUniqueOrThrow({ where: { userId: staff.id } });
    const client = newClient();
    const session_id = await startSecondFactorLogin(staff, client);
    const before = await snapshotCounts();
    const setup = await setupTotp(client, session_id);
    expect(setup.status).toBe(400);
    expect(setup.json).toEqual({
      error: "2FA is already enabled; complete verification instead",
      code: "twofa_already_enabled",
    });
    const confirm = await verifyTotp(client, session_id, await totpNow(secret));
    expect(confirm.status).toBe(400);
    expect(confirm.json.code).toBe("twofa_already_enabled");
    expect(await snapshotCounts()).toEqual(before);
    const after = await db.totpDevice.findUniqueOrThrow({ where: { userId: staff.id } });
    expect(after.secretEncrypted).toBe(stored.secretEncrypted);
    expect(after.pendingSecretEncrypted).toBeNull();
    // The session is still good for the real factor.
    expect(
      (
        await call(verify.POST, "POST", "/api/auth/verify", {
          client,
          body: { session_id, totp_token: await totpNow(secret) },
        })
      ).status,
    ).toBe(200);
  });

  it("refuses enrollment for a passkey-only staff user (a password alone adds no factor, W2)", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    await db.passkeyCredential.create({
      data: {
        userId: staff.id,
        credentialId: "test-credential-id",
        publicKey: Buffer.from([1, 2, 3]),
        deviceType: "singleDevice",
        name: "Key",
        rpId: "localhost",
      },
    });
    const client = newClient();
    const start = await passwordLogin(staff, client);
    expect(start.json).toMatchObject({ requires_2fa: true, requires_2fa_setup: false, passkey_enabled: true });
    const setup = await setupTotp(client, start.json.session_id);
    expect(setup.status).toBe(400);
    expect(setup.json.code).toBe("twofa_already_enabled");
    expect(await db.totpDevice.count({ where: { userId: staff.id } })).toBe(0);
  });

  it("is staff-only: 403 Not authorized for this user", async () => {
    freezeTime();
    const user = await makeUser();
    await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    for (const res of [await setupTotp(client, session_id), await verifyTotp(client, session_id, "123456")]) {
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ error: "Not authorized for this user", code: "not_authorized_for_user" });
    }
  });

  it("answers 400 Admin 2FA is not required when ADMIN_2FA_REQUIRED is off", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    await enrollStaffTotp(staff);
    overrideSettings({ admin2faRequired: false });
    const client = newClient();
    const session_id = await startSecondFactorLogin(staff, client);
    const res = await setupTotp(client, session_id);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "Admin 2FA is not required", code: "admin_2fa_not_required" });
  });

  it("with ADMIN_2FA_REQUIRED off, staff without 2FA get tokens directly", async () => {
    freezeTime();
    overrideSettings({ admin2faRequired: false });
    const staff = await makeUser({ staff: true });
    const res = await passwordLogin(staff);
    expect(res.json.requires_2fa).toBe(false);
    expect(typeof res.json.access_token).toBe("string");
  });

  it("with LOKDOWN_TOTP_ENABLED off: totp_available false and 403 TOTP support is disabled", async () => {
    freezeTime();
    overrideSettings({ totpEnabled: false });
    const staff = await makeUser({ staff: true });
    const client = newClient();
    const start = await passwordLogin(staff, client);
    expect(start.json).toMatchObject({ requires_2fa_setup: true, totp_available: false });
    const before = await snapshotCounts();
    const setup = await setupTotp(client, start.json.session_id);
    expect(setup.status).toBe(403);
    expect(setup.json).toEqual({ error: "TOTP support is disabled", code: "totp_disabled" });
    const confirm = await verifyTotp(client, start.json.session_id, "123456");
    expect(confirm.status).toBe(403);
    expect(confirm.json.code).toBe("totp_disabled");
    expect(await snapshotCounts()).toEqual(before);
  });

  it("verify without setup is 400 No pending TOTP setup found; a wrong code is 401", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const client = newClient();
    const session_id = (await passwordLogin(staff, client)).json.session_id;
    const early = await verifyTotp(client, session_id, "123456");
    expect(early.status).toBe(400);
    expect(early.json).toEqual({ error: "No pending TOTP setup found", code: "totp_no_pending_setup" });
    const setup = await setupTotp(client, session_id);
    const wrong = await verifyTotp(client, session_id, await wrongCodeFor(setup.json.secret as string));
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: "Invalid TOTP token", code: "invalid_totp" });
    expect(await db.authSession.count()).toBe(0);
    expect(await db.totpDevice.count({ where: { userId: staff.id, secretEncrypted: { not: null } } })).toBe(0);
  });

  it("five wrong enrollment codes kill the pending login", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const client = newClient();
    const session_id = (await passwordLogin(staff, client)).json.session_id;
    const setup = await setupTotp(client, session_id);
    const secret = setup.json.secret as string;
    const wrong = await wrongCodeFor(secret);
    for (let i = 0; i < 5; i++) expect((await verifyTotp(client, session_id, wrong)).status).toBe(401);
    const res = await verifyTotp(client, session_id, await totpNow(secret));
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("invalid_session");
  });

  it("the pending login is bound to its client and expires", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const client = newClient();
    const session_id = (await passwordLogin(staff, client)).json.session_id;
    const foreign = await setupTotp(newClient(), session_id);
    expect(foreign.status).toBe(400);
    expect(foreign.json.code).toBe("invalid_session");
    const setup = await setupTotp(client, session_id);
    expect(setup.status).toBe(200);
    advanceTime(settings.loginSessionMinutes * 60_000 + 1_000);
    const late = await verifyTotp(client, session_id, await totpNow(setup.json.secret as string));
    expect(late.status).toBe(400);
    expect(late.json.code).toBe("invalid_session");
  });

  it("missing or blank fields are 400 field errors", async () => {
    const client = newClient();
    const a = await call(loginSetupTotp.POST, "POST", "/api/auth/login/setup/totp", { client, body: {} });
    expect(a.status).toBe(400);
    expect(a.json.session_id).toEqual(["This field is required."]);
    const b = await call(loginVerifyTotp.POST, "POST", "/api/auth/login/verify/totp", {
      client,
      body: { session_id: "x", totp_token: "" },
    });
    expect(b.status).toBe(400);
    expect(b.json.totp_token).toEqual(["This field may not be blank."]);
  });
});
