import { describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as verify from "@/app/api/auth/verify/route";
import * as verifyBackup from "@/app/api/auth/2fa/verify/backup/route";
import { MAX_FAILED_ATTEMPTS } from "@/lib/auth/login/pending-logins";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { call, newClient, type Client } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import { advanceTime, enrollTotp, freezeTime, startSecondFactorLogin, totpNow } from "../helpers/two-factor";

const verifyCode = (client: Client, session_id: string, totp_token: string) =>
  call(verify.POST, "POST", "/api/auth/verify", { client, body: { session_id, totp_token } });

async function wrongCodeFor(secret: string): Promise<string> {
  const near = await Promise.all([-1, 0, 1].map((o) => totpNow(secret, o)));
  return ["000000", "111111", "222222", "333333"].find((c) => !near.includes(c)) ?? "444444";
}

describe("login sessions (pending second factor)", () => {
  it("expire after TWOFA_SESSION_TIMEOUT minutes", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    advanceTime(settings.loginSessionMinutes * 60_000);
    const res = await verifyCode(client, session_id, await totpNow(secret));
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "Invalid or expired session", code: "invalid_session" });
  });

  it("are still valid just before the timeout, which follows the setting", async () => {
    freezeTime();
    overrideSettings({ loginSessionMinutes: 3 });
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const first = await startSecondFactorLogin(user, client);
    const second = await startSecondFactorLogin(user, client);
    advanceTime(3 * 60_000 - 1_000);
    expect((await verifyCode(client, first, await totpNow(secret))).status).toBe(200);
    advanceTime(2_000);
    expect((await verifyCode(client, second, await totpNow(secret, 1))).status).toBe(400);
  });

  it("are single-use: a second verify answers 400 Session already used", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret, backupCodes } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    expect((await verifyCode(client, session_id, await totpNow(secret))).status).toBe(200);
    const reuse = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id, backup_code: backupCodes[0] },
    });
    expect(reuse.status).toBe(400);
    expect(reuse.json).toEqual({ error: "Session already used", code: "session_used" });
    // The refused request consumed nothing.
    expect(await db.backupCode.count({ where: { userId: user.id, usedAt: null } })).toBe(8);
  });

  it("are bound to the starting IP address", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const elsewhere = { ...newClient(), userAgent: client.userAgent };
    const res = await verifyCode(elsewhere, session_id, await totpNow(secret));
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("invalid_session");
    // The rightful client can still finish.
    expect((await verifyCode(client, session_id, await totpNow(secret))).status).toBe(200);
  });

  it("a forged X-Forwarded-For does not pass the IP binding when no proxy is trusted", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const attacker = { ...newClient(), userAgent: client.userAgent };
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client: attacker,
      headers: { "x-forwarded-for": client.ip },
      body: { session_id, totp_token: await totpNow(secret) },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("invalid_session");
  });

  it("behind a trusted proxy, binds to the client address the proxy saw", async () => {
    freezeTime();
    overrideSettings({ trustedProxies: 1 });
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const proxy = newClient();
    const viaProxy = (clientIp: string, forged = "") => ({
      "x-forwarded-for": `${forged ? `${forged}, ` : ""}${clientIp}`,
    });
    const start = await call(login.POST, "POST", "/api/auth/login", {
      client: proxy,
      headers: viaProxy("198.51.100.7"),
      body: { username: user.username, password: user.password },
    });
    const session_id = start.json.session_id;
    expect(typeof session_id).toBe("string");
    const other = await call(verify.POST, "POST", "/api/auth/verify", {
      client: proxy,
      headers: viaProxy("198.51.100.8", "198.51.100.7"),
      body: { session_id, totp_token: await totpNow(secret) },
    });
    expect(other.status).toBe(400);
    const same = await call(verify.POST, "POST", "/api/auth/verify", {
      client: proxy,
      headers: viaProxy("198.51.100.7", "203.0.113.1"),
      body: { session_id, totp_token: await totpNow(secret) },
    });
    expect(same.status).toBe(200);
  });

  it("are bound to the starting user agent", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0");
    const session_id = await startSecondFactorLogin(user, client);
    const res = await verifyCode({ ip: client.ip, userAgent: "curl/8.0" }, session_id, await totpNow(secret));
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("invalid_session");
  });

  it(`die after ${MAX_FAILED_ATTEMPTS} wrong codes: the right code is refused afterwards`, async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const wrong = await wrongCodeFor(secret);
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) {
      const res = await verifyCode(client, session_id, wrong);
      expect(res.status).toBe(401);
    }
    const sixth = await verifyCode(client, session_id, await totpNow(secret));
    expect(sixth.status).toBe(400);
    expect(sixth.json.code).toBe("invalid_session");
    expect(await db.authSession.count({ where: { userId: user.id, amr: { has: "mfa" } } })).toBe(0);
    expect(await db.securityEvent.count({ where: { type: "login.session_locked", userId: user.id } })).toBe(1);
  });

  it("count wrong backup codes and wrong TOTP codes together", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret, backupCodes } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const wrong = await wrongCodeFor(secret);
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) {
      const res =
        i % 2 === 0
          ? await verifyCode(client, session_id, wrong)
          : await call(verifyBackup.POST, "POST", "/api/auth/2fa/verify/backup", {
              client,
              body: { session_id, backup_code: "WRONGCODE2" },
            });
      expect(res.status).toBe(401);
    }
    const res = await call(verifyBackup.POST, "POST", "/api/auth/2fa/verify/backup", {
      client,
      body: { session_id, backup_code: backupCodes[0] },
    });
    expect(res.status).toBe(400);
    expect(await db.backupCode.count({ where: { userId: user.id, usedAt: null } })).toBe(8);
  });

  it("10 concurrent verifies of one session with different valid backup codes mint exactly one token pair", async () => {
    freezeTime();
    overrideSettings({ backupCodes: { count: 10 } });
    const user = await makeUser();
    const { backupCodes } = await enrollTotp(user);
    expect(backupCodes).toHaveLength(10);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const results = await Promise.all(
      backupCodes.map((backup_code) =>
        call(verify.POST, "POST", "/api/auth/verify", { client, body: { session_id, backup_code } }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(9);
    for (const r of refused) expect(r.json).toEqual({ error: "Session already used", code: "session_used" });
    expect(await db.authSession.count({ where: { userId: user.id, amr: { has: "mfa" } } })).toBe(1);
    expect(await db.refreshToken.count({ where: { session: { userId: user.id, amr: { has: "mfa" } } } })).toBe(1);
    expect(await db.backupCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
  });

  it("10 concurrent verifies of one session with the same TOTP code mint exactly one token pair", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const code = await totpNow(secret);
    const results = await Promise.all(Array.from({ length: 10 }, () => verifyCode(client, session_id, code)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.json.code === "session_used")).toHaveLength(9);
    expect(await db.authSession.count({ where: { userId: user.id, amr: { has: "mfa" } } })).toBe(1);
  });

  it("a deactivated user's pending session is refused", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    await db.user.update({ where: { id: user.id }, data: { isActive: false } });
    const res = await verifyCode(client, session_id, await totpNow(secret));
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("invalid_session");
  });
});
