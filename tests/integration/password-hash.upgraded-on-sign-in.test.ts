import { describe, expect, it } from "vitest";
import * as login from "@/app/api/auth/login/route";
import { verifyPassword } from "@/lib/auth/password/password";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { legacyScryptHash } from "../helpers/legacy-password";
import { makeUser } from "../helpers/users";

/** Hashes stored before argon2id keep working and are replaced by argon2id on the next sign-in. */

async function userWithScryptHash() {
  const user = await makeUser();
  const scrypt = legacyScryptHash(user.password);
  await db.user.update({ where: { id: user.id }, data: { passwordHash: scrypt } });
  return { ...user, scrypt };
}

const storedHash = async (id: number) =>
  (await db.user.findUniqueOrThrow({ where: { id }, select: { passwordHash: true } })).passwordHash ?? "";

describe("password hash upgrade", () => {
  it("a user with an scrypt hash signs in, and the stored hash becomes argon2id with today's parameters", async () => {
    const user = await userWithScryptHash();
    const res = await call(login.POST, "POST", "/api/auth/login", {
      client: newClient(),
      body: { username: user.username, password: user.password },
    });
    expect(res.status).toBe(200);
    const stored = await storedHash(user.id);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(user.password, stored)).toBe(true);

    // And signs in again with the new hash, which stays as it is.
    const again = await call(login.POST, "POST", "/api/auth/login", {
      client: newClient(),
      body: { username: user.username, password: user.password },
    });
    expect(again.status).toBe(200);
    expect(await storedHash(user.id)).toBe(stored);
  });

  it("a wrong password changes nothing: the scrypt hash stays", async () => {
    const user = await userWithScryptHash();
    const res = await call(login.POST, "POST", "/api/auth/login", {
      client: newClient(),
      body: { username: user.username, password: "not the password 1" },
    });
    expect(res.status).toBe(401);
    expect(await storedHash(user.id)).toBe(user.scrypt);
  });

  it("an inactive account is not rehashed either, even with the right password", async () => {
    const user = await userWithScryptHash();
    await db.user.update({ where: { id: user.id }, data: { isActive: false } });
    const res = await call(login.POST, "POST", "/api/auth/login", {
      client: newClient(),
      body: { username: user.username, password: user.password },
    });
    expect(res.status).toBe(401);
    expect(await storedHash(user.id)).toBe(user.scrypt);
  });
});
