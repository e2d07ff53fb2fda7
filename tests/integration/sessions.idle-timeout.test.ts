import { describe, expect, it, vi } from "vitest";
import * as refresh from "@/app/api/auth/token/refresh/route";
import * as me from "@/app/api/me/route";
import { listUserSessions } from "@/lib/auth/sessions/user-sessions";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { getWebUser } from "@/lib/auth/sessions/web-session";
import { db } from "@/lib/db";
import { PASSWORD_ONLY, signInBrowser } from "../helpers/admin";
import { call, newClient } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { advanceTime, freezeTime, passwordLogin } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));

const MINUTE = 60_000;

/** The session (refresh-token family) an access token belongs to. */
async function sessionOf(access: unknown): Promise<string> {
  const claims = await decodeAccessToken(String(access));
  if (!claims) throw new Error("not an access token");
  return claims.sessionId;
}

async function revokedReason(sessionId: string) {
  return (await db.authSession.findUniqueOrThrow({ where: { id: sessionId }, select: { revokedReason: true } }))
    .revokedReason;
}

describe("LOKDOWN_SESSION_IDLE_MINUTES", () => {
  it("ends an API session whose refresh token comes back after the idle time, but not one in use", async () => {
    overrideSettings({ sessionIdleMinutes: 30 });
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    const login = await passwordLogin(user, client);
    const sessionId = await sessionOf(login.json.access_token);
    let current = login.json.refresh_token as string;
    // In use every 20 minutes for two hours: each refresh counts as activity.
    for (let i = 0; i < 6; i++) {
      advanceTime(20 * MINUTE);
      const rotated = await call(refresh.POST, "POST", "/api/auth/token/refresh", {
        client,
        body: { refresh: current },
      });
      expect(rotated.status).toBe(200);
      current = rotated.json.refresh as string;
    }
    advanceTime(31 * MINUTE);
    const late = await call(refresh.POST, "POST", "/api/auth/token/refresh", { client, body: { refresh: current } });
    expect(late.status).toBe(401);
    expect(late.json.code).toBe("token_not_valid");
    expect(await revokedReason(sessionId)).toBe("idle_timeout");
  });

  it("refuses an access token whose session went unused for the idle time, even before the token expires", async () => {
    overrideSettings({ sessionIdleMinutes: 30, tokens: { accessMinutes: 120 } });
    freezeTime();
    const user = await makeUser();
    const login = await passwordLogin(user);
    const access = login.json.access_token as string;
    const sessionId = await sessionOf(access);
    advanceTime(25 * MINUTE);
    expect((await call(me.GET, "GET", "/api/me", { token: access })).status).toBe(200);
    advanceTime(29 * MINUTE);
    expect((await call(me.GET, "GET", "/api/me", { token: access })).status).toBe(200);
    advanceTime(31 * MINUTE);
    const idle = await call(me.GET, "GET", "/api/me", { token: access });
    expect(idle.status).toBe(401);
    expect(await revokedReason(sessionId)).toBe("idle_timeout");
  });

  it("signs a browser out after the idle time, and its sessions list stops showing it at once", async () => {
    overrideSettings({ sessionIdleMinutes: 30 });
    freezeTime();
    const user = await makeUser();
    const { sessionId } = await signInBrowser(user.id, PASSWORD_ONLY);
    advanceTime(20 * MINUTE);
    expect((await getWebUser())?.sessionId).toBe(sessionId);
    advanceTime(31 * MINUTE);
    // Not presented since, so not yet revoked, but already not a live session.
    expect(await listUserSessions(user.id, null)).toEqual([]);
    expect(await getWebUser()).toBeNull();
    expect(await revokedReason(sessionId)).toBe("idle_timeout");
  });

  it("is off by default: a session unused for days still works", async () => {
    freezeTime();
    const user = await makeUser();
    const { sessionId } = await signInBrowser(user.id, PASSWORD_ONLY);
    advanceTime(3 * 24 * 60 * MINUTE);
    expect((await getWebUser())?.sessionId).toBe(sessionId);
  });
});
