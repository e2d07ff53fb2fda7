import { expect, onTestFinished, vi } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as loginSetupTotp from "@/app/api/auth/login/setup/totp/route";
import * as loginVerifyTotp from "@/app/api/auth/login/verify/totp/route";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verifyTotp from "@/app/api/auth/2fa/verify/totp/route";
import { totpCodeAt } from "@/lib/auth/two-factor/totp";
import { call, newClient, type Client } from "./http";

/** 10 s into a 30-second TOTP step, so ±1 step is unambiguous. */
export const T0 = new Date(Date.UTC(2030, 0, 1, 12, 0, 10));
export const STEP_MS = 30_000;

/** Freezes Date (only Date: timers and the database driver keep real time) for the current test. */
export function freezeTime(at: Date = T0): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
  onTestFinished(() => {
    vi.useRealTimers();
  });
}

export function advanceTime(ms: number): void {
  vi.setSystemTime(new Date(Date.now() + ms));
}

/** The TOTP code for `secret` at the (frozen) current time, shifted by `steps`. */
export function totpNow(secret: string, steps = 0): Promise<string> {
  return totpCodeAt(secret, new Date(Date.now() + steps * STEP_MS));
}

type LoginUser = { username: string; password: string };

export async function passwordLogin(user: LoginUser, client: Client = newClient()) {
  return call(login.POST, "POST", "/api/auth/login", {
    client,
    body: { username: user.username, password: user.password },
  });
}

/** Signs in a user without 2FA and returns the access token. */
export async function accessTokenFor(user: LoginUser, client: Client = newClient()): Promise<string> {
  const res = await passwordLogin(user, client);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  expect(res.json.requires_2fa).toBe(false);
  return res.json.access_token as string;
}

/**
 * Enrolls TOTP for a non-staff user through the API (setup, then verify) and moves time on one
 * step so that the next code is not a replay of the enrollment code. Needs frozen time.
 */
export async function enrollTotp(user: LoginUser, client: Client = newClient()) {
  const access = await accessTokenFor(user, client);
  const setup = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: access });
  expect(setup.status, JSON.stringify(setup.json)).toBe(200);
  const secret = setup.json.secret as string;
  const done = await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
    client,
    token: access,
    body: { totp_token: await totpNow(secret) },
  });
  expect(done.status, JSON.stringify(done.json)).toBe(200);
  advanceTime(STEP_MS);
  return { secret, backupCodes: done.json.backup_codes as string[], access };
}

/** Staff first login (§4.4): enrolls TOTP during login. Returns the secret, codes and tokens. */
export async function enrollStaffTotp(user: LoginUser, client: Client = newClient()) {
  const start = await passwordLogin(user, client);
  expect(start.json.requires_2fa_setup, JSON.stringify(start.json)).toBe(true);
  const sessionId = start.json.session_id as string;
  const setup = await call(loginSetupTotp.POST, "POST", "/api/auth/login/setup/totp", {
    client,
    body: { session_id: sessionId },
  });
  expect(setup.status, JSON.stringify(setup.json)).toBe(200);
  const secret = setup.json.secret as string;
  const done = await call(loginVerifyTotp.POST, "POST", "/api/auth/login/verify/totp", {
    client,
    body: { session_id: sessionId, totp_token: await totpNow(secret) },
  });
  expect(done.status, JSON.stringify(done.json)).toBe(200);
  advanceTime(STEP_MS);
  return { secret, backupCodes: done.json.backup_codes as string[], access: done.json.access_token as string };
}

/** Password step for a user with 2FA: returns the pending login's session id. */
export async function startSecondFactorLogin(user: LoginUser, client: Client): Promise<string> {
  const res = await passwordLogin(user, client);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  expect(res.json.requires_2fa).toBe(true);
  return res.json.session_id as string;
}
