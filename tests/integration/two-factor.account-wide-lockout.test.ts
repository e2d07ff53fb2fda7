import { proveSecondFactorNow } from "../helpers/step-up";
import { describe, expect, it, vi } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as verify from "@/app/api/auth/verify/route";
import * as reauthenticate from "@/app/api/auth/reauthenticate/route";
import { unlockSecondFactorAction } from "@/app/admin/users/actions";
import { db } from "@/lib/db";
import { call, newClient, type Client } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import { addPasskey, loginOptions, newAuthenticator } from "../helpers/passkeys";
import { signInBrowser, WITH_MFA } from "../helpers/admin";
import { enrollTotp, freezeTime, startSecondFactorLogin, totpNow } from "../helpers/two-factor";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

/**
 * Issue 15.4: consecutive wrong second-factor codes on one account lock code sign-in for that
 * account, whatever addresses they come from (LOKDOWN_2FA_LOCKOUT_ATTEMPTS, default 10). Only a
 * correct first factor leads there; a passkey neither counts nor is refused; a success restarts
 * the count; the owner is mailed; an admin unlocks.
 */

type LoginUser = { id: number; username: string; password: string };

async function wrongCodeFor(secret: string): Promise<string> {
  const near = await Promise.all([-1, 0, 1].map((o) => totpNow(secret, o)));
  return ["000000", "111111", "222222", "333333"].find((c) => !near.includes(c)) ?? "444444";
}

const submitCode = (client: Client, sessionId: string, code: string) =>
  call(verify.POST, "POST", "/api/auth/verify", { client, body: { session_id: sessionId, totp_token: code } });

async function userWithTotp() {
  const user = await makeUser();
  const { secret } = await enrollTotp(user);
  return { user, secret };
}

const lockState = (user: LoginUser) =>
  db.user.findUniqueOrThrow({
    where: { id: user.id },
    select: { secondFactorFailures: true, secondFactorLockedAt: true },
  });
const lockMails = (user: LoginUser) =>
  db.mailMessage.count({ where: { dedupeKey: { startsWith: `second_factor_locked:${user.id}:` } } });

/** `addresses` clients, each with one pending login and `perAddress` wrong codes; returns the statuses. */
async function spreadGuesses(
  user: LoginUser,
  secret: string,
  addresses: number,
  perAddress: number,
): Promise<number[]> {
  const statuses: number[] = [];
  const wrong = await wrongCodeFor(secret);
  for (let a = 0; a < addresses; a++) {
    const client = newClient();
    const sessionId = await startSecondFactorLogin(user, client);
    for (let i = 0; i < perAddress; i++) statuses.push((await submitCode(client, sessionId, wrong)).status);
  }
  return statuses;
}

describe("account-wide second-factor cap", () => {
  it("21 addresses × 5 wrong TOTP codes: locked at 10, later codes (even the right one) refused, the owner mailed once", async () => {
    freezeTime();
    const { user, secret } = await userWithTotp();
    const statuses = await spreadGuesses(user, secret, 21, 5);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.slice(10).every((s) => s === 403)).toBe(true);

    const client = newClient();
    const right = await submitCode(client, await startSecondFactorLogin(user, client), await totpNow(secret));
    expect(right.status).toBe(403);
    expect(right.json).toMatchObject({ code: "account_second_factor_locked" });
    expect(await db.authSession.count({ where: { userId: user.id, revokedAt: null } })).toBe(1); // only the enrollment's
    expect((await lockState(user)).secondFactorLockedAt).not.toBeNull();
    expect(await lockMails(user)).toBe(1);
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "login.2fa_account_locked" } })).toBe(1);
  }, 120_000);

  it("the count follows LOKDOWN_2FA_LOCKOUT_ATTEMPTS, and a success restarts it", async () => {
    freezeTime();
    overrideSettings({ secondFactorLockoutAttempts: 3 });
    const { user, secret } = await userWithTotp();
    expect(await spreadGuesses(user, secret, 2, 1)).toEqual([401, 401]);
    const client = newClient();
    expect((await submitCode(client, await startSecondFactorLogin(user, client), await totpNow(secret))).status).toBe(
      200,
    );
    expect(await lockState(user)).toEqual({ secondFactorFailures: 0, secondFactorLockedAt: null });
    expect(await spreadGuesses(user, secret, 2, 1)).toEqual([401, 401]);
    expect((await lockState(user)).secondFactorLockedAt).toBeNull();
    expect(await spreadGuesses(user, secret, 1, 2)).toEqual([401, 403]);
  });

  it("wrong passwords never count: an attacker without the password cannot lock the owner out", async () => {
    freezeTime();
    overrideSettings({ secondFactorLockoutAttempts: 2 });
    const { user, secret } = await userWithTotp();
    for (let i = 0; i < 12; i++) {
      const res = await call(login.POST, "POST", "/api/auth/login", {
        client: newClient(),
        body: { username: user.username, password: `wrong-${i}-password` },
      });
      expect(res.status).toBe(401);
    }
    expect(await lockState(user)).toEqual({ secondFactorFailures: 0, secondFactorLockedAt: null });
    const client = newClient();
    expect((await submitCode(client, await startSecondFactorLogin(user, client), await totpNow(secret))).status).toBe(
      200,
    );
  });

  it("a passkey does not count and still signs in while codes are locked", async () => {
    freezeTime();
    overrideSettings({ secondFactorLockoutAttempts: 2 });
    const user = await makeUser();
    const { secret, access } = await enrollTotp(user);
    const authenticator = newAuthenticator();
    await proveSecondFactorNow(access); // adding a factor (or new codes) needs a fresh second factor
    await addPasskey(access, authenticator);
    // A refused passkey assertion is not a guess at a code.
    const client = newClient();
    const pending = await startSecondFactorLogin(user, client);
    const options = await loginOptions(pending, client);
    const bad = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: {
        session_id: pending,
        passkey_response: authenticator.assert(options, { origin: "https://evil.example" }),
      },
    });
    expect(bad.status).toBe(401);
    expect((await lockState(user)).secondFactorFailures).toBe(0);

    expect(await spreadGuesses(user, secret, 2, 1)).toEqual([401, 401]);
    expect((await lockState(user)).secondFactorLockedAt).not.toBeNull();
    const other = newClient();
    const again = await startSecondFactorLogin(user, other);
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client: other,
      body: { session_id: again, passkey_response: authenticator.assert(await loginOptions(again, other)) },
    });
    expect(res.status).toBe(200);
    expect((await lockState(user)).secondFactorFailures).toBe(0);
  });

  it("codes sent as step-up proof count too, and are refused once locked: an AAL1 session cannot guess its way to AAL2", async () => {
    freezeTime();
    const user = await makeUser();
    // A password-only session on an account that has TOTP: step-up asks it for a code.
    const { secret, access } = await enrollTotp(user);
    const wrong = await wrongCodeFor(secret);
    for (let i = 0; i < 10; i++) {
      const res = await call(reauthenticate.POST, "POST", "/api/auth/reauthenticate", {
        client: newClient(),
        token: access,
        body: { totp_token: wrong },
      });
      expect(res.status).toBe(401);
    }
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).secondFactorLockedAt).toBeInstanceOf(Date);
    const right = await call(reauthenticate.POST, "POST", "/api/auth/reauthenticate", {
      client: newClient(),
      token: access,
      body: { totp_token: await totpNow(secret) },
    });
    expect(right.status).toBe(403);
    expect(right.json.code).toBe("account_second_factor_locked");
    expect(await db.authSession.count({ where: { userId: user.id, totpAt: { not: null } } })).toBe(0);
  });

  it("an admin unlocks it from the user page (with step-up); codes work again", async () => {
    freezeTime();
    overrideSettings({ secondFactorLockoutAttempts: 2 });
    const { user, secret } = await userWithTotp();
    await spreadGuesses(user, secret, 2, 1);
    expect((await lockState(user)).secondFactorLockedAt).not.toBeNull();

    const staff = await makeUser({ staff: true });
    await signInBrowser(staff.id, WITH_MFA);
    const form = new FormData();
    form.set("user_id", String(user.id));
    form.set("password", staff.password);
    const result = await unlockSecondFactorAction({}, form);
    expect(result).toMatchObject({ done: expect.any(String) });
    expect(await lockState(user)).toEqual({ secondFactorFailures: 0, secondFactorLockedAt: null });
    expect(await db.securityEvent.count({ where: { userId: user.id, type: "admin.2fa_unlocked" } })).toBe(1);

    const client = newClient();
    expect((await submitCode(client, await startSecondFactorLogin(user, client), await totpNow(secret))).status).toBe(
      200,
    );
  });
});
