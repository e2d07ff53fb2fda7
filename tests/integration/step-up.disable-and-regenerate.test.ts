import { describe, expect, it } from "vitest";
import * as disable from "@/app/api/auth/2fa/disable/route";
import * as regenerate from "@/app/api/auth/2fa/backup-codes/regenerate/route";
import * as status from "@/app/api/auth/2fa/status/route";
import * as verify from "@/app/api/auth/verify/route";
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

const STALE_MS = () => (settings.stepUpMinutes + 1) * 60_000;

/** A TOTP user signed in with password + code: returns the token of that (fresh) session. */
async function signedInWithTotp() {
  const user = await makeUser();
  const enrolled = await enrollTotp(user);
  const client = newClient();
  const session_id = await startSecondFactorLogin(user, client);
  const res = await call(verify.POST, "POST", "/api/auth/verify", {
    client,
    body: { session_id, totp_token: await totpNow(enrolled.secret) },
  });
  expect(res.status).toBe(200);
  // The login used this step's code; move on so step-up codes are fresh.
  advanceTime(30_000);
  return {
    user,
    client,
    secret: enrolled.secret,
    backupCodes: enrolled.backupCodes,
    access: res.json.access_token as string,
  };
}

const post = (
  handler: typeof disable.POST,
  path: string,
  client: Client,
  token: string,
  body: Record<string, unknown> = {},
) => call(handler, "POST", path, { client, token, body });

async function factorRows(userId: number) {
  return {
    totp: await db.totpDevice.count({ where: { userId } }),
    codes: await db.backupCode.count({ where: { userId } }),
  };
}

describe("step-up on POST /api/auth/2fa/disable", () => {
  it("a fresh session disables 2FA without a proof", async () => {
    freezeTime();
    const { user, client, access } = await signedInWithTotp();
    const res = await post(disable.POST, "/api/auth/2fa/disable", client, access);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ message: "2FA disabled successfully" });
    expect(await factorRows(user.id)).toEqual({ totp: 0, codes: 0 });
    expect((await passwordLogin(user)).json.requires_2fa).toBe(false);
    expect(await db.securityEvent.count({ where: { type: "2fa.disabled", userId: user.id } })).toBe(1);
  });

  it("after LOKDOWN_STEP_UP_MINUTES a second-factor proof is required (403 second_factor_required) and nothing changes", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 60 } });
    const { user, client, access } = await signedInWithTotp();
    advanceTime(STALE_MS());
    const before = await snapshotCounts();
    const res = await post(disable.POST, "/api/auth/2fa/disable", client, access);
    expect(res.status).toBe(403);
    expect(res.json.code).toBe("second_factor_required");
    expect(res.json.proof).toBe("second_factor");
    expect(typeof res.json.error).toBe("string");
    expect(await snapshotCounts()).toEqual(before);
    expect(await factorRows(user.id)).toEqual({ totp: 1, codes: 8 });
  });

  it("a wrong backup code is 401 and nothing changes", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 60 } });
    const { user, client, access } = await signedInWithTotp();
    advanceTime(STALE_MS());
    const res = await post(disable.POST, "/api/auth/2fa/disable", client, access, { backup_code: "NOTACODE00" });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("invalid_reauth");
    expect(await factorRows(user.id)).toEqual({ totp: 1, codes: 8 });
    expect(await db.securityEvent.count({ where: { type: "reauth.failed", userId: user.id } })).toBe(1);
  });

  it("the right password is not enough for an account with a second factor; a backup code works", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 60 } });
    const { user, client, access, backupCodes } = await signedInWithTotp();
    advanceTime(STALE_MS());
    const before = await snapshotCounts();
    const password = await post(disable.POST, "/api/auth/2fa/disable", client, access, { password: user.password });
    expect(password.status).toBe(403);
    expect(password.json.code).toBe("second_factor_required");
    expect(await snapshotCounts()).toEqual(before);
    const res = await post(disable.POST, "/api/auth/2fa/disable", client, access, { backup_code: backupCodes[0] });
    expect(res.status).toBe(200);
    expect(await factorRows(user.id)).toEqual({ totp: 0, codes: 0 });
  });

  it("a right TOTP code works; a wrong or replayed one is 401", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 60 } });
    const { user, client, access, secret } = await signedInWithTotp();
    advanceTime(STALE_MS());
    const near = await Promise.all([-1, 0, 1].map((o) => totpNow(secret, o)));
    const wrong = ["000000", "111111", "222222"].find((c) => !near.includes(c)) ?? "333333";
    expect((await post(disable.POST, "/api/auth/2fa/disable", client, access, { totp_token: wrong })).status).toBe(401);
    const code = await totpNow(secret);
    // Use the code for a login first: it must not work again as a step-up proof.
    const other = newClient();
    const session_id = await startSecondFactorLogin(user, other);
    expect(
      (await call(verify.POST, "POST", "/api/auth/verify", { client: other, body: { session_id, totp_token: code } }))
        .status,
    ).toBe(200);
    expect((await post(disable.POST, "/api/auth/2fa/disable", client, access, { totp_token: code })).status).toBe(401);
    advanceTime(30_000);
    const res = await post(disable.POST, "/api/auth/2fa/disable", client, access, {
      totp_token: await totpNow(secret),
    });
    expect(res.status).toBe(200);
    expect(await factorRows(user.id)).toEqual({ totp: 0, codes: 0 });
  });

  it("a proof refreshes the session's step-up window", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 60 } });
    const { client, access, backupCodes } = await signedInWithTotp();
    advanceTime(STALE_MS());
    expect(
      (
        await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access, {
          backup_code: backupCodes[0],
        })
      ).status,
    ).toBe(200);
    expect((await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access)).status).toBe(200);
  });

  it("is refused for staff while ADMIN_2FA_REQUIRED is on, even with a proof", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const { access } = await enrollStaffTotp(staff);
    const client = newClient();
    const before = await snapshotCounts();
    const res = await post(disable.POST, "/api/auth/2fa/disable", client, access, { password: staff.password });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe("twofa_required_for_staff");
    expect(await snapshotCounts()).toEqual(before);
    expect(await factorRows(staff.id)).toEqual({ totp: 1, codes: 8 });
  });

  it("staff may disable when ADMIN_2FA_REQUIRED is off", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const { access } = await enrollStaffTotp(staff);
    overrideSettings({ admin2faRequired: false });
    const res = await post(disable.POST, "/api/auth/2fa/disable", client(), access);
    expect(res.status).toBe(200);
    expect(await factorRows(staff.id)).toEqual({ totp: 0, codes: 0 });
  });

  it("needs a signed-in user", async () => {
    const res = await call(disable.POST, "POST", "/api/auth/2fa/disable", { body: {} });
    expect(res.status).toBe(401);
  });
});

function client(): Client {
  return newClient();
}

describe("step-up on POST /api/auth/2fa/backup-codes/regenerate", () => {
  it("a fresh session gets a new set; the old codes stop working", async () => {
    freezeTime();
    const { user, client, access, backupCodes } = await signedInWithTotp();
    const res = await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access);
    expect(res.status).toBe(200);
    const fresh = res.json.backup_codes as string[];
    expect(fresh).toHaveLength(8);
    for (const code of fresh) expect(backupCodes).not.toContain(code);
    const other = newClient();
    const session_id = await startSecondFactorLogin(user, other);
    expect(
      (
        await call(verify.POST, "POST", "/api/auth/verify", {
          client: other,
          body: { session_id, backup_code: backupCodes[0] },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await call(verify.POST, "POST", "/api/auth/verify", {
          client: other,
          body: { session_id, backup_code: fresh[0] },
        })
      ).status,
    ).toBe(200);
    expect(await db.securityEvent.count({ where: { type: "backup_codes.regenerated", userId: user.id } })).toBe(1);
  });

  it("a stale session needs a second-factor proof: 403 without or with the password, 401 wrong, 200 with a backup or TOTP code", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 60 } });
    const { user, client, access, secret, backupCodes } = await signedInWithTotp();
    advanceTime(STALE_MS());
    const before = await snapshotCounts();
    const none = await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access);
    expect(none.status).toBe(403);
    expect(none.json.code).toBe("second_factor_required");
    expect(
      (
        await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access, {
          password: user.password,
        })
      ).json.code,
    ).toBe("second_factor_required");
    const wrong = await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access, {
      backup_code: "NOTACODE00",
    });
    expect(wrong.status).toBe(401);
    expect(await snapshotCounts()).toEqual(before);
    // The old codes are untouched by the refusals.
    expect(await db.backupCode.count({ where: { userId: user.id, usedAt: null } })).toBe(backupCodes.length);

    expect(
      (
        await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access, {
          backup_code: backupCodes[0],
        })
      ).status,
    ).toBe(200);
    advanceTime(STALE_MS());
    const withTotp = await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access, {
      totp_token: await totpNow(secret),
    });
    expect(withTotp.status).toBe(200);
    expect(withTotp.json.backup_codes).toHaveLength(8);
  });

  it("is refused for a user without a primary factor", async () => {
    freezeTime();
    const user = await makeUser();
    const res0 = await passwordLogin(user);
    const res = await post(
      regenerate.POST,
      "/api/auth/2fa/backup-codes/regenerate",
      newClient(),
      res0.json.access_token as string,
    );
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("no_backup_codes_without_factor");
    expect(await db.backupCode.count({ where: { userId: user.id } })).toBe(0);
  });

  it("repeated wrong proofs are rate-limited", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 60 } });
    const { client, access } = await signedInWithTotp();
    advanceTime(STALE_MS());
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access, {
            backup_code: `WRONGCODE${i}`,
          })
        ).status,
      ).toBe(401);
    }
    const limited = await post(regenerate.POST, "/api/auth/2fa/backup-codes/regenerate", client, access, {
      backup_code: "ONEMOREGUESS",
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBeTruthy();
  });
});

describe("GET /api/auth/2fa/status", () => {
  it("answers every §3.3 (21) key plus backup_codes_remaining, and writes nothing", async () => {
    freezeTime();
    const { client, access, backupCodes, user } = await signedInWithTotp();
    const before = await snapshotCounts();
    const res = await call(status.GET, "GET", "/api/auth/2fa/status", { client, token: access });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      is_enabled: true,
      totp_enabled: true,
      passkey_enabled: false,
      totp_available: settings.totpEnabled,
      passkey_available: settings.passkeyEnabled,
      backup_codes_remaining: backupCodes.length,
    });
    expect(await snapshotCounts()).toEqual(before);
    const other = newClient();
    const session_id = await startSecondFactorLogin(user, other);
    await call(verify.POST, "POST", "/api/auth/verify", {
      client: other,
      body: { session_id, backup_code: backupCodes[0] },
    });
    expect(
      (await call(status.GET, "GET", "/api/auth/2fa/status", { client, token: access })).json.backup_codes_remaining,
    ).toBe(backupCodes.length - 1);
  });

  it("for a user without 2FA", async () => {
    const user = await makeUser();
    const login = await passwordLogin(user);
    const res = await call(status.GET, "GET", "/api/auth/2fa/status", { token: login.json.access_token as string });
    expect(res.json).toMatchObject({
      is_enabled: false,
      totp_enabled: false,
      passkey_enabled: false,
      backup_codes_remaining: 0,
    });
  });

  it("needs a signed-in user", async () => {
    const res = await call(status.GET, "GET", "/api/auth/2fa/status", {});
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("not_authenticated");
  });
});
