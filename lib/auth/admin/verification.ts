import "server-only";
import { cookies } from "next/headers";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { cookieAttributes, deleteCookie } from "@/lib/http/cookies";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { AMR } from "../policy/amr";
import { recordSecurityEvent } from "../audit";
import { replaceBackupCodes } from "../two-factor/backup-codes";
import { getFactorSummary, hasSecondFactor } from "../two-factor/factor-summary";
import { beginLoginTotpSetup, confirmLoginTotpSetup } from "../login/staff-enrollment";
import { beginLoginPasskeySetup, confirmLoginPasskeySetup } from "../login/staff-enrollment-passkey";
import { createPendingLogin, isSessionId, MAX_FAILED_ATTEMPTS } from "../login/pending-logins";
import { beginPasskeyLoginStep, type AssertionOptions } from "../passkeys/assertions";
import { completePendingLogin, type SecondFactorInput } from "../login/second-factor-step";
import { SECOND_FACTOR_ORDER } from "../login/second-factor-order";
import type { SessionIssuer } from "../login/sign-in";
import { wasCompletedByEnrollment } from "../login/sign-in";
import { revokeSession } from "../sessions/tokens";
import type { TotpSetup } from "../two-factor/totp";
import { issueWebSession, type WebSessionToken, type WebUser } from "../sessions/web-session";

/**
 * The admin area's second-factor step for a signed-in staff user whose session has not passed 2FA
 * (made before the staff flag was set, by a path without 2FA, or before ADMIN_2FA_REQUIRED).
 * It reuses the login machinery: a pending login session bound to this browser's IP and user agent,
 * single use, expiring, dead after five wrong codes, and the same factor checks, rate limits and
 * replay guards. On success the browser's session is replaced by a new one that carries "mfa":
 * the old cookie stops working, so a session that was stolen before the upgrade gains nothing.
 */

const VERIFY_COOKIE = `${settings.production ? "__Host-" : ""}lokdown_admin_verify`;

export type AdminVerificationView = {
  username: string;
  hasFactor: boolean;
  totp: boolean;
  passkeys: number;
  backupCodes: boolean;
  /** No factor yet: first-time setup is offered instead of verification. */
  mustEnroll: boolean;
  totpAvailable: boolean;
  passkeyAvailable: boolean;
};

/** What the verification page may offer. Reads only. */
export async function describeAdminVerification(user: WebUser): Promise<AdminVerificationView> {
  const factors = await getFactorSummary(user.id);
  const hasFactor = hasSecondFactor(factors);
  return {
    username: user.username,
    hasFactor,
    totp: factors.totp,
    passkeys: factors.passkeys,
    backupCodes: hasFactor && factors.backupCodesRemaining > 0,
    mustEnroll: !hasFactor,
    totpAvailable: settings.totpEnabled,
    passkeyAvailable: settings.passkeyEnabled,
  };
}

async function readVerifyCookie(): Promise<string | null> {
  const value = (await cookies()).get(VERIFY_COOKIE)?.value ?? null;
  return value && isSessionId(value) ? value : null;
}

/** Forgets the pending verification (after the new backup codes were seen, or on sign-out). */
export async function clearAdminVerification(): Promise<void> {
  await deleteCookie(VERIFY_COOKIE);
}

/** True when this session was just upgraded by enrolling a first factor, so its codes stay on screen. */
export async function wasUpgradedByEnrollment(user: WebUser, now = new Date()): Promise<boolean> {
  const id = await readVerifyCookie();
  return id !== null && (await wasCompletedByEnrollment(id, user.id, now));
}

/**
 * The pending verification of this browser, or a new one. When the user has a login session that
 * died of wrong codes and has not expired, the web session is ended instead: like a locked login,
 * the way back is the password, and dropping the cookie does not buy five more guesses.
 */
async function ensureVerificationLogin(user: WebUser, client: ClientInfo, now: Date): Promise<Result<string>> {
  const locked = await db.loginSession.count({
    where: { userId: user.id, consumedAt: null, expiresAt: { gt: now }, failedAttempts: { gte: MAX_FAILED_ATTEMPTS } },
  });
  if (locked > 0) {
    await revokeSession(user.sessionId, "second_factor_locked", now);
    await clearAdminVerification();
    return fail("second_factor_locked");
  }
  const current = await readVerifyCookie();
  if (current) {
    const row = await db.loginSession.findUnique({
      where: { id: current },
      select: { userId: true, consumedAt: true, expiresAt: true, ipAddress: true, userAgent: true },
    });
    if (
      row &&
      row.userId === user.id &&
      !row.consumedAt &&
      row.expiresAt > now &&
      row.ipAddress === client.ip &&
      row.userAgent === client.userAgent
    )
      return ok(current);
  }
  const factors = await getFactorSummary(user.id);
  const id = await createPendingLogin(
    db,
    {
      userId: user.id,
      firstFactor: user.amr.includes(AMR.oauth) ? "oauth" : "password",
      requiresSetup: settings.admin2faRequired && !hasSecondFactor(factors),
      clientInfo: client,
    },
    now,
  );
  (await cookies()).set(VERIFY_COOKIE, id, {
    ...cookieAttributes(VERIFY_COOKIE),
    expires: new Date(now.getTime() + settings.loginSessionMinutes * 60_000),
  });
  return ok(id);
}

/** Thrown inside the login transaction to roll it back (spent code included) when the browser session is gone. */
class SessionGone extends Error {}

export type UpgradedSession = { token: WebSessionToken; backupCodes?: string[] };

/**
 * A SessionIssuer that replaces the signed-in browser session instead of starting an unrelated
 * one: it keeps the session's first-factor AMR values, adds the proven ones, and revokes the old
 * session under its row lock, so two racing upgrades cannot both succeed.
 */
function replaceSession(user: WebUser, options: { newBackupCodes: boolean }): SessionIssuer<UpgradedSession> {
  return async (tx, input, now) => {
    const rows = await tx.$queryRaw<
      { user_id: number; kind: string; amr: string[]; revoked_at: Date | null; expires_at: Date }[]
    >`
      SELECT user_id, kind, amr, revoked_at, expires_at FROM auth_sessions WHERE id = ${user.sessionId}::uuid FOR UPDATE`;
    const row = rows[0];
    if (!row || row.user_id !== input.userId || row.kind !== "web" || row.revoked_at || row.expires_at <= now)
      throw new SessionGone();
    await tx.authSession.update({
      where: { id: user.sessionId },
      data: { revokedAt: now, revokedReason: "second_factor_upgrade" },
    });
    const proven = input.amr.filter((m) => m !== AMR.password && m !== AMR.oauth);
    const token = await issueWebSession(
      tx,
      { userId: input.userId, amr: [...new Set([...row.amr, ...proven])], client: input.client },
      now,
    );
    const backupCodes = options.newBackupCodes ? await replaceBackupCodes(tx, input.userId) : undefined;
    await recordSecurityEvent(
      {
        type: "session.second_factor_verified",
        userId: input.userId,
        client: input.client,
        details: { replaced_session: user.sessionId },
      },
      tx,
    );
    return { token, backupCodes };
  };
}

async function withSessionGone<T>(run: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SessionGone) return fail("invalid_session");
    throw error;
  }
}

/** Verifies a TOTP code, a passkey assertion or a backup code and upgrades the browser session. */
export async function upgradeSessionWithSecondFactor(
  user: WebUser,
  input: SecondFactorInput,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<UpgradedSession>> {
  const login = await ensureVerificationLogin(user, client, now);
  if (!login.ok) return login;
  return withSessionGone(() =>
    completePendingLogin(
      login.value,
      input,
      SECOND_FACTOR_ORDER,
      client,
      replaceSession(user, { newBackupCodes: false }),
      now,
    ),
  );
}

/** Assertion options for the user's passkeys, tied to this browser's pending verification. */
export async function beginAdminPasskeyVerification(
  user: WebUser,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<AssertionOptions>> {
  const login = await ensureVerificationLogin(user, client, now);
  if (!login.ok) return login;
  return beginPasskeyLoginStep(login.value, client, now);
}

/** First-time setup, only while the user has no factor (checked again inside each transaction, so a stolen password cannot add one beside it). */
export async function beginAdminTotpEnrollment(
  user: WebUser,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<TotpSetup>> {
  const login = await ensureVerificationLogin(user, client, now);
  if (!login.ok) return login;
  return beginLoginTotpSetup(login.value, client, now);
}

export async function confirmAdminTotpEnrollment(
  user: WebUser,
  token: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<UpgradedSession>> {
  const id = await readVerifyCookie();
  if (!id) return fail("invalid_session");
  return withSessionGone(async () => {
    const done = await confirmLoginTotpSetup(id, token, client, replaceSession(user, { newBackupCodes: false }), now);
    return done.ok ? ok({ token: done.value.session.token, backupCodes: done.value.backupCodes }) : done;
  });
}

export type PasskeyEnrollmentStart = { challengeId: string; options: PublicKeyCredentialCreationOptionsJSON };

export async function beginAdminPasskeyEnrollment(
  user: WebUser,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<PasskeyEnrollmentStart>> {
  const login = await ensureVerificationLogin(user, client, now);
  if (!login.ok) return login;
  const started = await beginLoginPasskeySetup(login.value, client, now);
  return started.ok ? ok({ challengeId: started.value.sessionId, options: started.value.options }) : started;
}

/** Stores the new passkey and, in the same transaction, a first set of backup codes. */
export async function confirmAdminPasskeyEnrollment(
  user: WebUser,
  challengeId: string,
  response: unknown,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<UpgradedSession>> {
  return withSessionGone(async () => {
    const done = await confirmLoginPasskeySetup(
      challengeId,
      response,
      undefined,
      client,
      replaceSession(user, { newBackupCodes: true }),
      now,
    );
    return done.ok ? ok(done.value.session) : done;
  });
}
