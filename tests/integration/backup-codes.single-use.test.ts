import { describe, expect, it } from "vitest";
import * as verify from "@/app/api/auth/verify/route";
import * as tokenVerify from "@/app/api/auth/token/verify/route";
import * as verifyBackup from "@/app/api/auth/2fa/verify/backup/route";
import * as status from "@/app/api/auth/2fa/status/route";
import * as me from "@/app/api/me/route";
import { replaceBackupCodes } from "@/lib/auth/two-factor/backup-codes";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import { enrollTotp, freezeTime, passwordLogin, startSecondFactorLogin, totpNow } from "../helpers/two-factor";

const unusedCodes = (userId: number) => db.backupCode.count({ where: { userId, usedAt: null } });

describe("backup codes", () => {
  it("complete a login once; the same code is refused the second time", async () => {
    freezeTime();
    const user = await makeUser();
    const { backupCodes, access } = await enrollTotp(user);
    expect(backupCodes).toHaveLength(8);
    const code = backupCodes[0] ?? "";

    const client = newClient();
    const first = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id: await startSecondFactorLogin(user, client), backup_code: code },
    });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ requires_2fa: false });
    expect((await call(me.GET, "GET", "/api/me", { token: first.json.access_token as string })).status).toBe(200);

    const again = newClient();
    const second = await call(verify.POST, "POST", "/api/auth/verify", {
      client: again,
      body: { session_id: await startSecondFactorLogin(user, again), backup_code: code },
    });
    expect(second.status).toBe(401);
    expect(second.json).toEqual({ error: "Invalid backup code", code: "invalid_backup_code" });

    const st = await call(status.GET, "GET", "/api/auth/2fa/status", { token: access });
    expect(st.json.backup_codes_remaining).toBe(7);
  });

  it("20 parallel logins with one code: exactly one 200", async () => {
    freezeTime();
    const user = await makeUser();
    const { backupCodes } = await enrollTotp(user);
    const code = backupCodes[0] ?? "";
    const clients = Array.from({ length: 20 }, () => newClient());
    const sessions = await Promise.all(clients.map((client) => startSecondFactorLogin(user, client)));
    const results = await Promise.all(
      sessions.map((session_id, i) =>
        call(verify.POST, "POST", "/api/auth/verify", { client: clients[i], body: { session_id, backup_code: code } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(19);
    for (const r of results.filter((r) => r.status === 401))
      expect(r.json).toEqual({ error: "Invalid backup code", code: "invalid_backup_code" });
    expect(await db.backupCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
    expect(await db.authSession.count({ where: { userId: user.id, amr: { has: "rec" } } })).toBe(1);
  });

  it("20 parallel requests to /2fa/verify/backup with one code: exactly one 200", async () => {
    freezeTime();
    const user = await makeUser();
    const { backupCodes } = await enrollTotp(user);
    const code = backupCodes[1] ?? "";
    const clients = Array.from({ length: 20 }, () => newClient());
    const sessions = await Promise.all(clients.map((client) => startSecondFactorLogin(user, client)));
    const results = await Promise.all(
      sessions.map((session_id, i) =>
        call(verifyBackup.POST, "POST", "/api/auth/2fa/verify/backup", {
          client: clients[i],
          body: { session_id, backup_code: code },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(19);
    expect(await unusedCodes(user.id)).toBe(7);
  });

  it("are case- and dash-insensitive on entry", async () => {
    freezeTime();
    const user = await makeUser();
    const { backupCodes } = await enrollTotp(user);
    const [a = "", b = ""] = backupCodes;
    const dashed = `${a.slice(0, 5)}-${a.slice(5)}`.toLowerCase();
    const spaced = ` ${b.slice(0, 3)} ${b.slice(3, 6).toLowerCase()}-${b.slice(6)} `;
    for (const entry of [dashed, spaced]) {
      const client = newClient();
      const res = await call(verify.POST, "POST", "/api/auth/verify", {
        client,
        body: { session_id: await startSecondFactorLogin(user, client), backup_code: entry },
      });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    }
    expect(await unusedCodes(user.id)).toBe(6);
  });

  it("/2fa/verify/backup answers tokens and a message", async () => {
    freezeTime();
    const user = await makeUser();
    const { backupCodes } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const res = await call(verifyBackup.POST, "POST", "/api/auth/2fa/verify/backup", {
      client,
      body: { session_id, backup_code: backupCodes[2] },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(["access_token", "message", "refresh_token", "requires_2fa"]);
    expect(res.json.message).toBe("Backup code verified successfully");
    expect(res.json.requires_2fa).toBe(false);
    const profile = await call(me.GET, "GET", "/api/me", { token: res.json.access_token as string });
    expect(profile.status).toBe(200);
    expect(profile.json.username).toBe(user.username);
  });

  it("/2fa/verify/backup requires both fields and refuses a wrong code", async () => {
    freezeTime();
    const user = await makeUser();
    await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const missing = await call(verifyBackup.POST, "POST", "/api/auth/2fa/verify/backup", {
      client,
      body: { session_id },
    });
    expect(missing.status).toBe(400);
    expect(missing.json.backup_code).toEqual(["This field is required."]);
    const blank = await call(verifyBackup.POST, "POST", "/api/auth/2fa/verify/backup", {
      client,
      body: { session_id, backup_code: "  " },
    });
    expect(blank.status).toBe(400);
    expect(blank.json.backup_code).toEqual(["This field may not be blank."]);
    const wrong = await call(verifyBackup.POST, "POST", "/api/auth/2fa/verify/backup", {
      client,
      body: { session_id, backup_code: "ZZZZZZZZZZ" },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: "Invalid backup code", code: "invalid_backup_code" });
    expect(await unusedCodes(user.id)).toBe(8);
  });

  it("/token/verify accepts a backup code and answers SimpleJWT keys", async () => {
    freezeTime();
    const user = await makeUser();
    const { backupCodes } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const res = await call(tokenVerify.POST, "POST", "/api/auth/token/verify", {
      client,
      body: { session_id, backup_code: backupCodes[3] },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(["access", "refresh", "requires_2fa"]);
  });

  it("are refused without a primary factor (403), and not consumed", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    // Leftover codes with no TOTP or passkey: they must not stand in for a second factor.
    const codes = await replaceBackupCodes(db, staff.id);
    const client = newClient();
    const start = await passwordLogin(staff, client);
    expect(start.json.requires_2fa_setup).toBe(true);
    const session_id = start.json.session_id as string;
    for (const handler of [verify.POST, verifyBackup.POST]) {
      const res = await call(handler, "POST", "/api/auth/verify", {
        client,
        body: { session_id, backup_code: codes[0] },
      });
      expect(res.status).toBe(403);
      expect(res.json).toEqual({
        error: "Primary 2FA enrollment required before using backup codes",
        code: "primary_2fa_required",
      });
    }
    expect(await unusedCodes(staff.id)).toBe(codes.length);
    expect(await db.authSession.count({ where: { userId: staff.id } })).toBe(0);
  });

  it("a wrong TOTP code does not fall through to a backup code sent with it", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret, backupCodes } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const right = await totpNow(secret);
    const wrongCode = right === "000000" ? "111111" : "000000";
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id, totp_token: wrongCode, backup_code: backupCodes[0] },
    });
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("invalid_totp");
    expect(await unusedCodes(user.id)).toBe(8);
  });
});
