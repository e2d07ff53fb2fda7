import { describe, expect, it } from "vitest";
import * as register from "@/app/api/auth/register/route";
import * as me from "@/app/api/me/route";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { snapshotCounts } from "../helpers/db";
import { makeUser } from "../helpers/users";
import { passwordLogin } from "../helpers/two-factor";

const signUp = (body: Record<string, unknown>, client = newClient()) =>
  call(register.POST, "POST", "/api/auth/register", { client, body });

describe("POST /api/auth/register", () => {
  it("is off by default: 403 and no user", async () => {
    const before = await snapshotCounts();
    const res = await signUp({
      username: "alice",
      email: "alice@example.com",
      password: "correct horse battery staple",
    });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ error: "Registration is disabled", code: "signup_disabled" });
    expect(await snapshotCounts()).toEqual(before);
  });

  it("creates a non-staff user (201) who can then sign in", async () => {
    overrideSettings({ signupEnabled: true });
    const res = await signUp({
      username: "Alice",
      email: "Alice@Example.com",
      password: "correct horse battery staple",
      is_staff: true,
    });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ id: expect.any(Number), username: "alice", email: "alice@example.com" });
    const row = await db.user.findUniqueOrThrow({ where: { username: "alice" } });
    expect(row.isStaff).toBe(false);
    expect(row.passwordHash).not.toContain("correct horse");
    const login = await passwordLogin({ username: "ALICE", password: "correct horse battery staple" });
    expect(login.status).toBe(200);
    expect(login.json.requires_2fa).toBe(false);
    const profile = await call(me.GET, "GET", "/api/me", { token: login.json.access_token as string });
    expect(profile.json).toMatchObject({ username: "alice", email: "alice@example.com", is_staff: false });
  });

  it.each([
    ["too short", "Ab3$xyz", "This password is too short. It must contain at least 8 characters."],
    ["common", "password", "This password is too common."],
    ["common, other case", "PassWord123", "This password is too common."],
    ["the username", "carol-smith", "The password is too similar to the username."],
    ["containing the username", "carol-smith-2024", "The password is too similar to the username."],
  ])("refuses a weak password (%s) with 400 and creates nothing", async (_label, password, message) => {
    overrideSettings({ signupEnabled: true });
    const before = await snapshotCounts();
    const res = await signUp({ username: "carol-smith", email: "carol@example.com", password });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("weak_password");
    expect(res.json.password).toContain(message);
    expect(await snapshotCounts()).toEqual(before);
  });

  it("refuses a duplicate username or email (400), whatever the case", async () => {
    overrideSettings({ signupEnabled: true });
    const existing = await makeUser({ username: "dave" });
    const before = await snapshotCounts();
    const sameName = await signUp({
      username: "DAVE",
      email: "other@example.com",
      password: "correct horse battery staple",
    });
    expect(sameName.status).toBe(400);
    expect(sameName.json).toMatchObject({
      code: "username_taken",
      username: ["A user with that username already exists."],
    });
    const sameEmail = await signUp({
      username: "david",
      email: existing.email.toUpperCase(),
      password: "correct horse battery staple",
    });
    expect(sameEmail.status).toBe(400);
    expect(sameEmail.json).toMatchObject({ code: "email_taken", email: ["A user with that email already exists."] });
    expect(await snapshotCounts()).toEqual(before);
  });

  it("two racing sign-ups for one username: exactly one 201", async () => {
    overrideSettings({ signupEnabled: true });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        signUp({ username: "erin", email: `erin${i}@example.com`, password: "correct horse battery staple" }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.json.code === "username_taken")).toHaveLength(4);
    expect(await db.user.count({ where: { username: "erin" } })).toBe(1);
  });

  it("refuses invalid usernames and emails", async () => {
    overrideSettings({ signupEnabled: true });
    const badName = await signUp({
      username: "a b",
      email: "ab@example.com",
      password: "correct horse battery staple",
    });
    expect(badName.status).toBe(400);
    expect(badName.json.username).toBeDefined();
    const badEmail = await signUp({
      username: "frank",
      email: "not-an-email",
      password: "correct horse battery staple",
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.json.email).toBeDefined();
    expect(await db.user.count()).toBe(0);
  });

  it("is rate-limited per IP like a password attempt", async () => {
    overrideSettings({ signupEnabled: true, rateLimits: { login: { limit: 2, windowSeconds: 60 } } });
    const client = newClient();
    expect(
      (await signUp({ username: "gina1", email: "g1@example.com", password: "correct horse battery staple" }, client))
        .status,
    ).toBe(201);
    expect(
      (await signUp({ username: "gina2", email: "g2@example.com", password: "correct horse battery staple" }, client))
        .status,
    ).toBe(201);
    const limited = await signUp(
      { username: "gina3", email: "g3@example.com", password: "correct horse battery staple" },
      client,
    );
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBeTruthy();
  });
});
