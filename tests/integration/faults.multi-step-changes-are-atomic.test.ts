import { onTestFinished, describe, expect, it } from "vitest";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verifyTotp from "@/app/api/auth/2fa/verify/totp/route";
import * as refresh from "@/app/api/auth/token/refresh/route";
import * as verify from "@/app/api/auth/verify/route";
import * as loginSetupTotp from "@/app/api/auth/login/setup/totp/route";
import * as loginVerifyTotp from "@/app/api/auth/login/verify/totp/route";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import {
  accessTokenFor,
  enrollTotp,
  freezeTime,
  passwordLogin,
  startSecondFactorLogin,
  totpNow,
} from "../helpers/two-factor";

/**
 * A crash between the steps of a multi-step change leaves nothing half-done: a trigger in the
 * test database makes the last step fail (as a full disk or a killed connection would), and the
 * first steps must not have persisted. After the fault the same request succeeds.
 */

/** Makes every INSERT into `table` fail until the test ends. */
async function failInsertsInto(
  table: "backup_codes" | "refresh_tokens" | "auth_sessions",
): Promise<() => Promise<void>> {
  const name = `lokdown_test_fault_${table}`;
  await db.$executeRawUnsafe(
    `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$`,
  );
  await db.$executeRawUnsafe(
    `CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  );
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
    await db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${name}()`);
  };
  onTestFinished(remove);
  return remove;
}

describe("multi-step changes are all or nothing", () => {
  it("TOTP enable: when saving the backup codes fails, TOTP stays off, the code stays unused, and a retry works", async () => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    const access = await accessTokenFor(user, client);
    const setup = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: access });
    const secret = setup.json.secret as string;
    const device = () => db.totpDevice.findUniqueOrThrow({ where: { userId: user.id } });
    const pendingBefore = await device();

    const restore = await failInsertsInto("backup_codes");
    const failed = await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
      client,
      token: access,
      body: { totp_token: await totpNow(secret) },
    });
    expect(failed.status).toBe(500);
    const after = await device();
    expect(after.secretEncrypted).toBeNull();
    expect(after.confirmedAt).toBeNull();
    expect(after.lastUsedStep).toBeNull();
    expect(after.pendingSecretEncrypted).toBe(pendingBefore.pendingSecretEncrypted);
    expect(await db.backupCode.count({ where: { userId: user.id } })).toBe(0);

    await restore();
    const retried = await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
      client,
      token: access,
      body: { totp_token: await totpNow(secret) },
    });
    expect(retried.status).toBe(200);
    expect(retried.json.backup_codes).toHaveLength(8);
  });

  it("staff TOTP enrollment at sign-in: a failed last step leaves no factor, an unused login session, and no session", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const client = newClient();
    const start = await passwordLogin(staff, client);
    const sessionId = start.json.session_id as string;
    const setup = await call(loginSetupTotp.POST, "POST", "/api/auth/login/setup/totp", {
      client,
      body: { session_id: sessionId },
    });
    const secret = setup.json.secret as string;

    const restore = await failInsertsInto("auth_sessions");
    const failed = await call(loginVerifyTotp.POST, "POST", "/api/auth/login/verify/totp", {
      client,
      body: { session_id: sessionId, totp_token: await totpNow(secret) },
    });
    expect(failed.status).toBe(500);
    expect((await db.totpDevice.findUniqueOrThrow({ where: { userId: staff.id } })).secretEncrypted).toBeNull();
    expect(await db.backupCode.count({ where: { userId: staff.id } })).toBe(0);
    expect((await db.loginSession.findUniqueOrThrow({ where: { id: sessionId } })).consumedAt).toBeNull();

    await restore();
    const retried = await call(loginVerifyTotp.POST, "POST", "/api/auth/login/verify/totp", {
      client,
      body: { session_id: sessionId, totp_token: await totpNow(secret) },
    });
    expect(retried.status).toBe(200);
  });

  it("second-factor sign-in: when issuing the session fails, neither the login session nor the backup code is spent", async () => {
    freezeTime();
    const user = await makeUser();
    const { backupCodes } = await enrollTotp(user);
    const client = newClient();
    const sessionId = await startSecondFactorLogin(user, client);
    const code = backupCodes[0] ?? "";

    const restore = await failInsertsInto("auth_sessions");
    const failed = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id: sessionId, backup_code: code },
    });
    expect(failed.status).toBe(500);
    expect((await db.loginSession.findUniqueOrThrow({ where: { id: sessionId } })).consumedAt).toBeNull();
    expect(await db.backupCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(0);

    await restore();
    const retried = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id: sessionId, backup_code: code },
    });
    expect(retried.status).toBe(200);
  });

  it("refresh-token rotation: when storing the new token fails, the old one is not spent and still works", async () => {
    const user = await makeUser();
    const client = newClient();
    const login = await passwordLogin(user, client);
    const old = login.json.refresh_token as string;
    const session = await db.authSession.findFirstOrThrow({ where: { userId: user.id } });

    const restore = await failInsertsInto("refresh_tokens");
    const failed = await call(refresh.POST, "POST", "/api/auth/token/refresh", { client, body: { refresh: old } });
    expect(failed.status).toBe(500);
    // Half a rotation would mark the old token used: the retry would then look like theft and end the session.
    expect(await db.refreshToken.count({ where: { sessionId: session.id, usedAt: { not: null } } })).toBe(0);
    expect(await db.refreshToken.count({ where: { sessionId: session.id } })).toBe(1);
    const unchanged = await db.authSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(unchanged.revokedAt).toBeNull();
    expect(unchanged.expiresAt).toEqual(session.expiresAt);

    await restore();
    const retried = await call(refresh.POST, "POST", "/api/auth/token/refresh", { client, body: { refresh: old } });
    expect(retried.status).toBe(200);
  });
});
