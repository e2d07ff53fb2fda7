import { describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as refresh from "@/app/api/auth/token/refresh/route";
import * as tokenVerify from "@/app/api/auth/token/verify/route";
import * as me from "@/app/api/me/route";
import * as logout from "@/app/api/auth/logout/route";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";

describe("password login without 2FA", () => {
  it("returns a token pair whose access token verifies", async () => {
    const user = await makeUser();
    const res = await call(login.POST, "POST", "/api/auth/login", {
      body: { username: user.username, password: user.password },
    });
    expect(res.status).toBe(200);
    expect(res.json.requires_2fa).toBe(false);
    const access = res.json.access_token as string;
    expect(typeof res.json.refresh_token).toBe("string");

    const profile = await call(me.GET, "GET", "/api/me", { token: access });
    expect(profile.status).toBe(200);
    expect(profile.json.username).toBe(user.username);

    const verified = await call(tokenVerify.POST, "POST", "/api/auth/token/verify", { body: { token: access } });
    expect(verified.status).toBe(200);
  });

  it("rotates refresh tokens and revokes the family when one is reused", async () => {
    const user = await makeUser();
    const client = newClient();
    const first = await call(login.POST, "POST", "/api/auth/login", {
      client,
      body: { username: user.username, password: user.password },
    });
    const r1 = first.json.refresh_token as string;

    const second = await call(refresh.POST, "POST", "/api/auth/token/refresh", { client, body: { refresh: r1 } });
    expect(second.status).toBe(200);
    const r2 = second.json.refresh as string;
    expect(r2).not.toBe(r1);

    const reuse = await call(refresh.POST, "POST", "/api/auth/token/refresh", { client, body: { refresh: r1 } });
    expect(reuse.status).toBe(401);
    expect(reuse.json.code).toBe("token_not_valid");

    // The whole family is dead: the rotated token and the access tokens of the session.
    const afterReuse = await call(refresh.POST, "POST", "/api/auth/token/refresh", { client, body: { refresh: r2 } });
    expect(afterReuse.status).toBe(401);
    const profile = await call(me.GET, "GET", "/api/me", { token: second.json.access as string });
    expect(profile.status).toBe(401);
  });

  it("logout revokes the family", async () => {
    const user = await makeUser();
    const res = await call(login.POST, "POST", "/api/auth/login", {
      body: { username: user.username, password: user.password },
    });
    const out = await call(logout.POST, "POST", "/api/auth/logout", { body: { refresh: res.json.refresh_token } });
    expect(out.status).toBe(200);
    const profile = await call(me.GET, "GET", "/api/me", { token: res.json.access_token as string });
    expect(profile.status).toBe(401);
  });

  it("answers unknown user, wrong password and inactive user alike", async () => {
    const user = await makeUser();
    const wrong = await call(login.POST, "POST", "/api/auth/login", {
      body: { username: user.username, password: "nope nope nope" },
    });
    const unknown = await call(login.POST, "POST", "/api/auth/login", {
      body: { username: "ghost", password: "nope nope nope" },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual(unknown.json);
    expect(wrong.json).toEqual({ error: "Invalid credentials", code: "invalid_credentials" });
  });
});
