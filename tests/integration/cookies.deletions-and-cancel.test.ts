import { afterEach, describe, expect, it, vi } from "vitest";
import * as verify from "@/app/api/auth/verify/route";
import { loginAction } from "@/app/(auth)/login/actions";
import { cancelSignInAction, verifySecondFactorAction } from "@/app/(auth)/2fa/actions";
import { signOutAction } from "@/app/_actions/session";
import { PENDING_LOGIN_COOKIE, SESSION_COOKIE } from "@/lib/auth/sessions/web-session";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { cookieWrites, getCookie, newRequest, outcome, setCookie } from "../helpers/next-request";
import { enrollTotp, freezeTime, totpNow } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

afterEach(() => {
  vi.useRealTimers();
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

const ATTRIBUTES = ["httpOnly", "secure", "sameSite", "path"] as const;
const attributesOf = (options: Record<string, unknown>) => Object.fromEntries(ATTRIBUTES.map((a) => [a, options[a]]));

/** Every deletion must repeat the attributes the cookie was set with (else __Host- deletions are ignored). */
function expectDeletionsMatchSets(): void {
  const writes = cookieWrites();
  const deletions = writes.filter((w) => w.kind === "delete");
  expect(deletions.length).toBeGreaterThan(0);
  for (const deletion of deletions) {
    const set = writes.find((w) => w.kind === "set" && w.name === deletion.name);
    expect(attributesOf(deletion.options), deletion.name).toEqual({
      httpOnly: true,
      secure: expect.any(Boolean),
      sameSite: "lax",
      path: "/",
    });
    if (set) expect(attributesOf(deletion.options), deletion.name).toEqual(attributesOf(set.options));
  }
}

async function pendingWebLogin() {
  freezeTime();
  const user = await makeUser();
  const { secret } = await enrollTotp(user);
  const client = newClient();
  newRequest(client);
  const started = await outcome(() =>
    loginAction({}, form({ username: user.username, password: user.password, next: "/account" })),
  );
  expect(started).toMatchObject({ kind: "redirect" });
  const pendingId = getCookie(PENDING_LOGIN_COOKIE);
  expect(pendingId).toBeDefined();
  return { user, secret, client, pendingId: pendingId ?? "" };
}

describe("Cancel and start over (issue 18.5)", () => {
  it("ends the pending login server-side: the right code with the old id no longer signs in (API)", async () => {
    const { secret, client, pendingId } = await pendingWebLogin();
    expect(await outcome(() => cancelSignInAction())).toEqual({ kind: "redirect", url: "/login" });
    expect(getCookie(PENDING_LOGIN_COOKIE)).toBeUndefined();
    expect(await db.loginSession.count({ where: { id: pendingId } })).toBe(0);
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id: pendingId, totp_token: await totpNow(secret) },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("invalid_session");
    expect(await db.authSession.count()).toBe(1); // only the session enrollTotp used
  });

  it("a browser that kept the old cookie is sent back to the password step", async () => {
    const { secret, pendingId } = await pendingWebLogin();
    await outcome(() => cancelSignInAction());
    setCookie(PENDING_LOGIN_COOKIE, pendingId);
    const code = await totpNow(secret);
    const after = await outcome(() => verifySecondFactorAction({}, form({ totp_token: code, next: "/account" })));
    expect(after).toEqual({ kind: "redirect", url: "/login?expired=1" });
    expect(getCookie(SESSION_COOKIE)).toBeUndefined();
  });
});

describe("cookie deletions carry the attributes the cookie was set with", () => {
  it("cancel", async () => {
    await pendingWebLogin();
    await outcome(() => cancelSignInAction());
    expectDeletionsMatchSets();
  });

  it("finishing the second factor (the pending cookie goes) and signing out (the session cookie goes)", async () => {
    const { secret } = await pendingWebLogin();
    const code = await totpNow(secret);
    expect(await outcome(() => verifySecondFactorAction({}, form({ totp_token: code, next: "/account" })))).toEqual({
      kind: "redirect",
      url: "/account",
    });
    expect(getCookie(SESSION_COOKIE)).toBeDefined();
    expect(await outcome(() => signOutAction())).toMatchObject({ kind: "redirect" });
    expect(getCookie(SESSION_COOKIE)).toBeUndefined();
    const deleted = cookieWrites()
      .filter((w) => w.kind === "delete")
      .map((w) => w.name);
    expect(deleted).toEqual(expect.arrayContaining([PENDING_LOGIN_COOKIE, SESSION_COOKIE]));
    expectDeletionsMatchSets();
  });
});
