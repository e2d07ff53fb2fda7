import { describe, expect, it } from "vitest";
import * as sessions from "@/app/api/auth/sessions/route";
import * as session from "@/app/api/auth/sessions/[id]/route";
import * as me from "@/app/api/me/route";
import * as refresh from "@/app/api/auth/token/refresh/route";
import { db } from "@/lib/db";
import { authSessionsSpec, listAuthSessions, revokeAuthSessions } from "@/lib/auth/admin/sessions";
import { parseListQuery } from "@/lib/auth/admin/listing";
import { issueWebSession } from "@/lib/auth/sessions/web-session";
import { apiKeyAuth, createKey, enableApiKeys, withIdParam } from "../helpers/api-keys";
import { call, newClient } from "../helpers/http";
import { advanceTime, freezeTime, passwordLogin } from "../helpers/two-factor";
import { signInBrowser, WITH_MFA } from "../helpers/admin";
import { makeUser } from "../helpers/users";

const CHROME_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";

const list = (token: string, headers?: Record<string, string>) =>
  call(sessions.GET, "GET", "/api/auth/sessions", headers ? { headers } : { token });
const revoke = (token: string, id: string) =>
  call(withIdParam(session.DELETE), "DELETE", `/api/auth/sessions/${id}`, { token, params: { id } });

async function signIn(user: { username: string; password: string }, userAgent: string) {
  const client = newClient(userAgent);
  const res = await passwordLogin(user, client);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return { client, access: res.json.access_token as string, refresh: res.json.refresh_token as string };
}

type SessionJson = {
  id: string;
  kind: string;
  current: boolean;
  device: string;
  ip_address: string | null;
  sign_in_method: string;
  second_factor: string | null;
  passed_2fa: boolean;
};

describe("GET /api/auth/sessions", () => {
  it("lists web and API sessions with device, IP, times and sign-in method, the caller's marked current", async () => {
    const user = await makeUser();
    const api = await signIn(user, CHROME_MAC);
    const phone = newClient(IPHONE);
    await db.$transaction((tx) => issueWebSession(tx, { userId: user.id, amr: ["pwd", "otp", "mfa"], client: phone }));
    const other = await makeUser();
    await signIn(other, CHROME_MAC);

    const res = await list(api.access);
    expect(res.status).toBe(200);
    const rows = res.json.sessions as SessionJson[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      kind: "api",
      current: true,
      device: "Chrome 120 on macOS 10.15.7",
      ip_address: api.client.ip,
      sign_in_method: "password",
      second_factor: null,
      passed_2fa: false,
    });
    expect(rows[1]).toMatchObject({
      kind: "web",
      current: false,
      device: "Mobile Safari 17 on iOS 17.0",
      ip_address: phone.ip,
      sign_in_method: "password",
      second_factor: "totp",
      passed_2fa: true,
    });
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(
        [
          "amr",
          "browser",
          "created_at",
          "current",
          "device",
          "device_type",
          "expires_at",
          "id",
          "ip_address",
          "kind",
          "last_seen_at",
          "os",
          "passed_2fa",
          "second_factor",
          "sign_in_method",
        ].sort(),
      );
    }
    expect(JSON.stringify(res.json)).not.toContain("token_hash");
  });

  it("refuses API keys (session only) and missing credentials", async () => {
    enableApiKeys();
    const user = await makeUser();
    const { access } = await signIn(user, "vitest");
    const key = (await createKey(access, { name: "k" })).api_key;
    const withKey = await list("", apiKeyAuth(key));
    expect(withKey.status).toBe(403);
    expect(withKey.json.code).toBe("api_key_not_allowed");
    expect((await call(sessions.GET, "GET", "/api/auth/sessions")).status).toBe(401);
    const del = await call(withIdParam(session.DELETE), "DELETE", "/api/auth/sessions/x", {
      headers: apiKeyAuth(key),
      params: { id: "x" },
    });
    expect(del.status).toBe(403);
  });

  it("records last activity of API sessions at most every few minutes", async () => {
    freezeTime();
    const user = await makeUser();
    const { access } = await signIn(user, "vitest");
    const row = () => db.authSession.findFirstOrThrow({ where: { userId: user.id }, select: { lastSeenAt: true } });
    const first = (await row()).lastSeenAt;
    advanceTime(60_000);
    await call(me.GET, "GET", "/api/me", { token: access });
    expect((await row()).lastSeenAt).toEqual(first);
    advanceTime(5 * 60_000);
    await call(me.GET, "GET", "/api/me", { token: access });
    expect((await row()).lastSeenAt.getTime()).toBe(Date.now());
  });
});

describe("DELETE /api/auth/sessions/{id} and DELETE /api/auth/sessions", () => {
  it("signs out another session: its access token fails on the next request and its refresh token is dead", async () => {
    const user = await makeUser();
    const mine = await signIn(user, CHROME_MAC);
    const theirs = await signIn(user, IPHONE);
    expect((await call(me.GET, "GET", "/api/me", { token: theirs.access })).status).toBe(200);
    const target = ((await list(mine.access)).json.sessions as SessionJson[]).find((s) => !s.current);
    expect(target).toBeDefined();

    const res = await revoke(mine.access, target?.id ?? "");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ message: "Session revoked", current: false });
    const after = await call(me.GET, "GET", "/api/me", { token: theirs.access });
    expect(after.status).toBe(401);
    expect(after.json.code).toBe("token_not_valid");
    expect(
      (await call(refresh.POST, "POST", "/api/auth/token/refresh", { body: { refresh: theirs.refresh } })).status,
    ).toBe(401);
    expect((await call(me.GET, "GET", "/api/me", { token: mine.access })).status).toBe(200);
    expect(await db.securityEvent.count({ where: { type: "session.revoked", userId: user.id } })).toBe(1);
  });

  it("answers 404 for another user's session, an unknown id, a malformed id and an ended session, changing nothing", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const mine = await signIn(user, "vitest");
    const theirs = await signIn(other, "vitest");
    const otherSession = await db.authSession.findFirstOrThrow({ where: { userId: other.id } });
    for (const id of [otherSession.id, "00000000-0000-4000-8000-000000000000", "not-a-uuid", "' OR 1=1 --"]) {
      const res = await revoke(mine.access, id);
      expect(res.status, id).toBe(404);
      expect(res.json.code).toBe("session_not_found");
    }
    expect((await call(me.GET, "GET", "/api/me", { token: theirs.access })).status).toBe(200);
    const second = await signIn(user, "vitest");
    const secondId = ((await list(mine.access)).json.sessions as SessionJson[]).find((s) => !s.current)?.id ?? "";
    expect((await revoke(mine.access, secondId)).status).toBe(200);
    expect((await revoke(mine.access, secondId)).status).toBe(404);
    expect((await call(me.GET, "GET", "/api/me", { token: second.access })).status).toBe(401);
  });

  it("revoking the calling session is a logout", async () => {
    const user = await makeUser();
    const mine = await signIn(user, "vitest");
    const id = ((await list(mine.access)).json.sessions as SessionJson[])[0]?.id ?? "";
    const res = await revoke(mine.access, id);
    expect(res.json).toEqual({ message: "Session revoked", current: true });
    expect((await list(mine.access)).status).toBe(401);
  });

  it("DELETE /api/auth/sessions signs out every other session, web and API, and keeps the caller's", async () => {
    const user = await makeUser();
    const mine = await signIn(user, CHROME_MAC);
    const others = [await signIn(user, IPHONE), await signIn(user, "curl/8.5.0")];
    await db.$transaction((tx) => issueWebSession(tx, { userId: user.id, amr: ["pwd"], client: newClient(IPHONE) }));
    const res = await call(sessions.DELETE, "DELETE", "/api/auth/sessions", { token: mine.access });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ message: "Other sessions signed out", revoked: 3 });
    for (const o of others) expect((await call(me.GET, "GET", "/api/me", { token: o.access })).status).toBe(401);
    const left = (await list(mine.access)).json.sessions as SessionJson[];
    expect(left.map((s) => s.current)).toEqual([true]);
  });
});

describe("the admin area's session list and revoke (lib/auth/admin/sessions)", () => {
  it("lists any user's live sessions and ends the selected ones, logging who did it", async () => {
    const admin = await makeUser({ staff: true });
    // Staff power over another user's sessions needs staff with a second factor in this session.
    const { sessionId: adminSession } = await signInBrowser(admin.id, WITH_MFA);
    const user = await makeUser();
    const a = await signIn(user, CHROME_MAC);
    const b = await signIn(user, IPHONE);
    const other = await signIn(await makeUser(), CHROME_MAC);
    const listed = await listAuthSessions(parseListQuery({ q: user.username, status: "active" }, authSessionsSpec));
    expect(listed.rows.map((s) => s.device).sort()).toEqual(["Chrome 120 on Mac OS", "Mobile Safari 17 on iOS"]);
    expect(listed.rows.every((s) => s.username === user.username && s.status === "active")).toBe(true);
    const ids = listed.rows.map((s) => s.id);
    const result = await revokeAuthSessions(
      { userId: admin.id, username: admin.username, isStaff: true, sessionId: adminSession },
      ids,
      newClient(),
    );
    expect(result).toEqual({ ok: true, value: 2 });
    for (const s of [a, b]) expect((await call(me.GET, "GET", "/api/me", { token: s.access })).status).toBe(401);
    expect((await call(me.GET, "GET", "/api/me", { token: other.access })).status).toBe(200);
    // Revoking again changes nothing and logs nothing.
    expect(
      await revokeAuthSessions(
        { userId: admin.id, username: admin.username, isStaff: true, sessionId: adminSession },
        ids,
        newClient(),
      ),
    ).toEqual({ ok: true, value: 0 });
    const events = await db.securityEvent.findMany({
      where: { type: "admin.sessions_revoked" },
      select: { userId: true, details: true },
    });
    expect(events).toEqual([{ userId: admin.id, details: { count: 2 } }]);
    expect(
      (await listAuthSessions(parseListQuery({ q: user.username, status: "active" }, authSessionsSpec))).total,
    ).toBe(0);
  });
});
