import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import * as refresh from "@/app/api/auth/token/refresh/route";
import * as me from "@/app/api/me/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { issueWebSession } from "@/lib/auth/sessions/web-session";
import { call, newClient } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { advanceTime, freezeTime, passwordLogin, T0 } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

/** Finding 15.5: a refresh used to move the session's end, so an API session never ended. */

const DAY = 86_400_000;
const rotate = (token: string, client = newClient()) =>
  call(refresh.POST, "POST", "/api/auth/token/refresh", { client, body: { refresh: token } });

describe("a session's absolute lifetime (LOKDOWN_SESSION_MAX_DAYS)", () => {
  it("no refresh extends an API session past LOKDOWN_SESSION_MAX_DAYS from sign-in", async () => {
    freezeTime();
    const user = await makeUser();
    const login = await passwordLogin(user);
    const access = login.json.access_token as string;
    const claims = await decodeAccessToken(access);
    const sessionId = claims?.sessionId ?? "";
    const end = new Date(T0.getTime() + settings.tokens.sessionMaxDays * DAY);
    expect((await db.authSession.findUniqueOrThrow({ where: { id: sessionId } })).expiresAt).toEqual(end);

    let token = login.json.refresh_token as string;
    let latestAccess = access;
    // Refresh every few days, always before the refresh token runs out.
    const step = Math.max(1, settings.tokens.refreshDays - 1) * DAY;
    while (Date.now() + step < end.getTime()) {
      advanceTime(step);
      const rotated = await rotate(token);
      expect(rotated.status, new Date().toISOString()).toBe(200);
      token = rotated.json.refresh as string;
      latestAccess = rotated.json.access as string;
      expect((await db.authSession.findUniqueOrThrow({ where: { id: sessionId } })).expiresAt).toEqual(end);
      // The refresh token itself never outlives the session.
      const row = await db.refreshToken.findFirstOrThrow({ where: { sessionId, usedAt: null } });
      expect(row.expiresAt.getTime()).toBeLessThanOrEqual(end.getTime());
    }
    setClockTo(end.getTime() - 1_000);
    const last = await rotate(token);
    expect(last.status).toBe(200);
    expect(decodeJwt(last.json.refresh as string).exp).toBe(Math.floor(end.getTime() / 1000));
    latestAccess = last.json.access as string;
    expect((await call(me.GET, "GET", "/api/me", { token: latestAccess })).status).toBe(200);
    setClockTo(end.getTime() + 1_000);
    expect((await rotate(last.json.refresh as string)).status).toBe(401);
    expect((await call(me.GET, "GET", "/api/me", { token: latestAccess })).status).toBe(401);
  });

  it("a setting of 2 days ends the session after 2 days though refresh tokens last 5", async () => {
    freezeTime();
    overrideSettings({ tokens: { sessionMaxDays: 2, refreshDays: 5 } });
    const user = await makeUser();
    const login = await passwordLogin(user);
    advanceTime(DAY);
    const rotated = await rotate(login.json.refresh_token as string);
    expect(rotated.status).toBe(200);
    advanceTime(DAY + 1_000);
    expect((await rotate(rotated.json.refresh as string)).status).toBe(401);
  });

  it("a browser session lasts LOKDOWN_WEB_SESSION_DAYS, by default LOKDOWN_SESSION_MAX_DAYS", async () => {
    freezeTime();
    const user = await makeUser();
    const web = await issueWebSession(db, { userId: user.id, amr: ["pwd"], client: newClient() });
    expect(web.expiresAt).toEqual(new Date(T0.getTime() + settings.webSessionDays * DAY));
  });
});

function setClockTo(ms: number): void {
  advanceTime(ms - Date.now());
}
