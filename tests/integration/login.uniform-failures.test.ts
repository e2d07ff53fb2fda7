import { describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as token from "@/app/api/auth/token/route";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import { enrollTotp, freezeTime, passwordLogin } from "../helpers/two-factor";

describe("password login failures reveal nothing", () => {
  it("an inactive user with the right password gets exactly the unknown-user answer", async () => {
    const user = await makeUser();
    await db.user.update({ where: { id: user.id }, data: { isActive: false } });
    const inactive = await passwordLogin(user);
    const unknown = await passwordLogin({ username: "nobody-at-all", password: user.password });
    expect(inactive.status).toBe(401);
    expect(inactive.json).toEqual({ error: "Invalid credentials", code: "invalid_credentials" });
    expect(inactive.json).toEqual(unknown.json);
    expect(await db.authSession.count()).toBe(0);
  });

  it("an inactive user with 2FA gets no pending login either", async () => {
    freezeTime();
    const user = await makeUser();
    await enrollTotp(user);
    await db.user.update({ where: { id: user.id }, data: { isActive: false } });
    const before = await db.loginSession.count();
    const res = await passwordLogin(user);
    expect(res.status).toBe(401);
    expect(res.json).not.toHaveProperty("session_id");
    expect(await db.loginSession.count()).toBe(before);
  });

  it("/auth/token answers inactive, unknown and wrong-password alike", async () => {
    const user = await makeUser();
    const other = await makeUser();
    await db.user.update({ where: { id: other.id }, data: { isActive: false } });
    const bodies = [
      { username: user.username, password: "wrong password" },
      { username: "ghost-user", password: "wrong password" },
      { username: other.username, password: other.password },
    ];
    const answers = [];
    for (const body of bodies)
      answers.push(await call(token.POST, "POST", "/api/auth/token", { client: newClient(), body }));
    for (const a of answers) expect(a.status).toBe(401);
    expect(answers[1]?.json).toEqual(answers[0]?.json);
    expect(answers[2]?.json).toEqual(answers[0]?.json);
  });

  it("every failure is logged as login.failed without the password", async () => {
    const user = await makeUser();
    await call(login.POST, "POST", "/api/auth/login", {
      body: { username: user.username, password: "hunter2-is-wrong" },
    });
    const events = await db.securityEvent.findMany({ where: { type: "login.failed" } });
    expect(events).toHaveLength(1);
    expect(events[0]?.userId).toBe(user.id);
    expect(JSON.stringify(events, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(
      "hunter2",
    );
  });

  it("usernames are case-insensitive and an e-mail address works too", async () => {
    const user = await makeUser();
    expect((await passwordLogin({ username: user.username.toUpperCase(), password: user.password })).status).toBe(200);
    expect((await passwordLogin({ username: user.email, password: user.password })).status).toBe(200);
    // The password is not.
    expect((await passwordLogin({ username: user.username, password: user.password.toUpperCase() })).status).toBe(401);
  });
});
