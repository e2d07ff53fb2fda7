import { describe, expect, it } from "vitest";
import * as verify from "@/app/api/auth/verify/route";
import * as tokenVerify from "@/app/api/auth/token/verify/route";
import * as me from "@/app/api/me/route";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import { enrollTotp, freezeTime, passwordLogin, startSecondFactorLogin, totpNow } from "../helpers/two-factor";

describe("password login for a user with TOTP", () => {
  it("answers the Pre2FA payload with every §3.2 key and no tokens", async () => {
    freezeTime();
    const user = await makeUser();
    await enrollTotp(user);
    const res = await passwordLogin(user);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      session_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      requires_2fa: true,
      requires_2fa_setup: false,
      totp_enabled: true,
      passkey_enabled: false,
      backup_codes_available: true,
    });
    expect(await db.authSession.count({ where: { userId: user.id, amr: { has: "mfa" } } })).toBe(0);
  });

  it("says backup_codes_available false once every code is used", async () => {
    freezeTime();
    const user = await makeUser();
    await enrollTotp(user);
    await db.backupCode.updateMany({ where: { userId: user.id }, data: { usedAt: new Date() } });
    const res = await passwordLogin(user);
    expect(res.json.backup_codes_available).toBe(false);
    expect(res.json.totp_enabled).toBe(true);
  });

  it("/verify with the current code mints a token pair that works, with amr otp+mfa", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id, totp_token: await totpNow(secret) },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(["access_token", "refresh_token", "requires_2fa"]);
    expect(res.json.requires_2fa).toBe(false);
    const claims = await decodeAccessToken(res.json.access_token as string);
    expect(claims?.amr).toEqual(expect.arrayContaining(["pwd", "otp", "mfa"]));
    const profile = await call(me.GET, "GET", "/api/me", { token: res.json.access_token as string });
    expect(profile.status).toBe(200);
    expect(profile.json.username).toBe(user.username);
    // The sign-in that completed this login (enrollTotp signed in once before, without a second step).
    const signIns = await db.securityEvent.findMany({
      where: { type: "login.succeeded", userId: user.id, details: { path: ["login_session"], equals: session_id } },
    });
    expect(signIns.map((e) => e.details)).toEqual([
      { method: "password", second_factor: "totp", login_session: session_id },
    ]);
  });

  it("accepts the code with surrounding spaces", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id, totp_token: ` ${await totpNow(secret)} ` },
    });
    expect(res.status).toBe(200);
  });

  it("/token/verify with a session answers SimpleJWT keys", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const res = await call(tokenVerify.POST, "POST", "/api/auth/token/verify", {
      client,
      body: { session_id, totp_token: await totpNow(secret) },
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ access: expect.any(String), refresh: expect.any(String), requires_2fa: false });
    expect((await call(me.GET, "GET", "/api/me", { token: res.json.access as string })).status).toBe(200);
  });

  it("a wrong code is 401 Invalid TOTP token", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const right = await totpNow(secret);
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id, totp_token: right === "123456" ? "654321" : "123456" },
    });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: "Invalid TOTP token", code: "invalid_totp" });
  });

  it("no factor in the body is 400 No valid 2FA method provided", async () => {
    freezeTime();
    const user = await makeUser();
    await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    for (const body of [{ session_id }, { session_id, totp_token: "", backup_code: "   " }]) {
      const res = await call(verify.POST, "POST", "/api/auth/verify", { client, body });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: "No valid 2FA method provided", code: "no_2fa_method" });
    }
  });

  it("a TOTP code for a user without TOTP is 400 No valid 2FA method provided", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const client = newClient();
    const start = await passwordLogin(staff, client);
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id: start.json.session_id, totp_token: "123456" },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("no_2fa_method");
  });

  it("unknown or malformed session ids are 400 Invalid or expired session", async () => {
    for (const session_id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "'; DROP TABLE users; --"]) {
      const res = await call(verify.POST, "POST", "/api/auth/verify", { body: { session_id, totp_token: "123456" } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: "Invalid or expired session", code: "invalid_session" });
    }
  });

  it("an enrolled TOTP is still offered and accepted with LOKDOWN_TOTP_ENABLED off (W29)", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    overrideSettings({ totpEnabled: false });
    const client = newClient();
    const start = await passwordLogin(user, client);
    expect(start.json.totp_enabled).toBe(true);
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id: start.json.session_id, totp_token: await totpNow(secret) },
    });
    expect(res.status).toBe(200);
  });
});
