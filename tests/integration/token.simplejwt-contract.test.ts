import { describe, expect, it } from "vitest";
import * as token from "@/app/api/auth/token/route";
import * as refresh from "@/app/api/auth/token/refresh/route";
import * as tokenVerify from "@/app/api/auth/token/verify/route";
import * as me from "@/app/api/me/route";
import { settings } from "@/lib/env";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import { advanceTime, enrollTotp, freezeTime, passwordLogin, totpNow } from "../helpers/two-factor";

const obtain = (body: unknown, client = newClient()) => call(token.POST, "POST", "/api/auth/token", { client, body });

describe("POST /api/auth/token (SimpleJWT obtain pair)", () => {
  it("answers {refresh, access} for a user without 2FA", async () => {
    const user = await makeUser();
    const res = await obtain({ username: user.username, password: user.password });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(["access", "refresh"]);
    expect((await call(me.GET, "GET", "/api/me", { token: res.json.access as string })).status).toBe(200);
  });

  it("bad credentials: 401 with non_field_errors as a string", async () => {
    const user = await makeUser();
    const res = await obtain({ username: user.username, password: "wrong password" });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      non_field_errors: "Invalid credentials",
      error: "Invalid credentials",
      code: "invalid_credentials",
    });
  });

  it("a missing field is 401 (not 400), the field's errors flattened to one string", async () => {
    const res = await obtain({ password: "whatever" });
    expect(res.status).toBe(401);
    expect(res.json.username).toBe("This field is required.");
    expect(res.json.code).toBe("token_request_invalid");
    const both = await obtain({});
    expect(both.status).toBe(401);
    expect(both.json).toMatchObject({ username: "This field is required.", password: "This field is required." });
    const blank = await obtain({ username: " ", password: "x" });
    expect(blank.status).toBe(401);
    expect(blank.json.username).toBe("This field may not be blank.");
  });

  it("a user with 2FA: 401 carrying the Pre2FA payload (JSON booleans) and message", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    const res = await obtain({ username: user.username, password: user.password }, client);
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({
      session_id: expect.any(String),
      requires_2fa: true,
      requires_2fa_setup: false,
      totp_enabled: true,
      passkey_enabled: false,
      backup_codes_available: true,
      message: "2FA verification required",
    });
    expect(res.json).not.toHaveProperty("access");
    // The session it carries completes through /token/verify.
    const done = await call(tokenVerify.POST, "POST", "/api/auth/token/verify", {
      client,
      body: { session_id: res.json.session_id, totp_token: await totpNow(secret) },
    });
    expect(done.status).toBe(200);
    expect(done.json).toEqual({ access: expect.any(String), refresh: expect.any(String), requires_2fa: false });
  });
});

describe("POST /api/auth/token/verify", () => {
  it("with {token}: 200 {} for a live access token, 401 for a bad or revoked one", async () => {
    const user = await makeUser();
    const login = await passwordLogin(user);
    const access = login.json.access_token as string;
    expect((await call(tokenVerify.POST, "POST", "/api/auth/token/verify", { body: { token: access } })).json).toEqual(
      {},
    );
    const bad = await call(tokenVerify.POST, "POST", "/api/auth/token/verify", { body: { token: `${access}x` } });
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ code: "token_not_valid", detail: expect.any(String) });
    await db.authSession.updateMany({ data: { revokedAt: new Date() } });
    expect((await call(tokenVerify.POST, "POST", "/api/auth/token/verify", { body: { token: access } })).status).toBe(
      401,
    );
  });

  it("with a session: serializer errors are 400", async () => {
    const res = await call(tokenVerify.POST, "POST", "/api/auth/token/verify", {
      body: { session_id: "", totp_token: "123456" },
    });
    expect(res.status).toBe(400);
    expect(res.json.session_id).toEqual(["This field may not be blank."]);
  });
});

describe("token lifetimes", () => {
  it("an access token expires after LOKDOWN_ACCESS_TOKEN_MINUTES", async () => {
    freezeTime();
    const user = await makeUser();
    const login = await passwordLogin(user);
    const access = login.json.access_token as string;
    advanceTime(settings.tokens.accessMinutes * 60_000 - 1_000);
    expect((await call(me.GET, "GET", "/api/me", { token: access })).status).toBe(200);
    advanceTime(2_000);
    const expired = await call(me.GET, "GET", "/api/me", { token: access });
    expect(expired.status).toBe(401);
    expect(expired.json.code).toBe("token_not_valid");
  });

  it("a refresh token expires after LOKDOWN_REFRESH_TOKEN_DAYS", async () => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    const first = await passwordLogin(user, client);
    const second = await passwordLogin(user, client);
    advanceTime(settings.tokens.refreshDays * 86_400_000 - 60_000);
    expect(
      (
        await call(refresh.POST, "POST", "/api/auth/token/refresh", {
          client,
          body: { refresh: first.json.refresh_token },
        })
      ).status,
    ).toBe(200);
    advanceTime(61_000);
    const expired = await call(refresh.POST, "POST", "/api/auth/token/refresh", {
      client,
      body: { refresh: second.json.refresh_token },
    });
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ code: "token_not_valid", detail: expect.any(String) });
  });

  it("rotation issues a new refresh token that is itself good for the full lifetime", async () => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    const login = await passwordLogin(user, client);
    advanceTime(3 * 86_400_000);
    const rotated = await call(refresh.POST, "POST", "/api/auth/token/refresh", {
      client,
      body: { refresh: login.json.refresh_token },
    });
    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.json).sort()).toEqual(["access", "refresh"]);
    advanceTime(3 * 86_400_000);
    expect(
      (await call(refresh.POST, "POST", "/api/auth/token/refresh", { client, body: { refresh: rotated.json.refresh } }))
        .status,
    ).toBe(200);
  });

  it("refresh accepts refresh_token as an alias and answers 400 without either", async () => {
    const user = await makeUser();
    const login = await passwordLogin(user);
    expect(
      (
        await call(refresh.POST, "POST", "/api/auth/token/refresh", {
          body: { refresh_token: login.json.refresh_token },
        })
      ).status,
    ).toBe(200);
    const missing = await call(refresh.POST, "POST", "/api/auth/token/refresh", { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json.refresh).toEqual(["This field is required."]);
  });
});
