import "server-only";
import { db, readRows, type DbClient } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { AMR } from "../policy/amr";
import { recordRefusalOncePerWindow, recordSecurityEvent } from "../audit";
import { checkEmailVerifiedForSignIn } from "../account/email-verification";
import { getFactorSummary, hasSecondFactor } from "../two-factor/factor-summary";
import { createPendingLogin, isSessionId, MAX_FAILED_ATTEMPTS, type FirstFactor } from "./pending-logins";
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from "../password/password";
import { checkAttempt, clearFailedAttempts, recordFailedAttempt } from "../rate-limit";
import { findTrustedBrowser, mayTrustBrowser } from "./trusted-devices";

/**
 * Turns a fully authenticated user into a session of some kind (API token pair, web cookie).
 * Called inside a transaction (completing a second factor) or with the pool (beginSignIn): then
 * whatever it writes besides the session must not depend on it being rolled back, since the
 * credential it returns is the only way to use the session.
 */
export type SessionIssuer<T> = (
  client: DbClient,
  input: { userId: number; amr: string[]; client: ClientInfo },
  now: Date,
) => Promise<T>;

/** django-lokdown's Pre2FA and Pre2FA-setup payloads (the second-factor step of a sign-in), keys in wire form. */
export type SecondFactorChallenge = {
  session_id: string;
  requires_2fa: true;
  requires_2fa_setup: boolean;
  totp_enabled: boolean;
  passkey_enabled: boolean;
  backup_codes_available: boolean;
  totp_available?: boolean;
  passkey_available?: boolean;
};

export type SignInResult<T> =
  | { kind: "signed_in"; userId: number; session: T }
  | { kind: "second_factor"; challenge: SecondFactorChallenge };

export type SignInUser = { id: number; username: string; isStaff: boolean };

/** Options of beginSignIn that only some callers have. */
export type SignInOptions = {
  /**
   * The trusted-browser cookie of a web sign-in (lib/auth/login/trusted-devices.ts), read by the web
   * layer. When it is valid for this user the second-factor step is skipped; the session's AMR
   * then carries "tdv", never "mfa". The JSON API has no such cookie and never passes one.
   */
  trustedBrowser?: string | null;
};

/**
 * After the first factor: either a session right away, or a pending login that needs a second
 * factor (or, for staff without one under ADMIN_2FA_REQUIRED, enrollment).
 */
export async function beginSignIn<T>(
  user: SignInUser,
  firstFactor: FirstFactor,
  client: ClientInfo,
  issue: SessionIssuer<T>,
  now = new Date(),
  options: SignInOptions = {},
): Promise<SignInResult<T>> {
  const factors = await getFactorSummary(user.id);
  const enrolled = hasSecondFactor(factors);
  const mustEnroll = settings.admin2faRequired && user.isStaff && !enrolled;
  const firstAmr = firstFactor === "oauth" ? AMR.oauth : AMR.password;
  if (!enrolled && !mustEnroll) {
    const session = await issueAndRecord(
      issue,
      { userId: user.id, amr: [firstAmr], client },
      { method: firstFactor },
      now,
    );
    return { kind: "signed_in", userId: user.id, session };
  }
  // findTrustedBrowser refuses staff under ADMIN_2FA_REQUIRED, checked now rather than when trusted.
  const trusted = enrolled && !mustEnroll ? await findTrustedBrowser(options.trustedBrowser, user, now) : null;
  if (trusted) {
    const session = await issueAndRecord(
      issue,
      { userId: user.id, amr: [firstAmr, AMR.trustedDevice], client },
      { method: firstFactor, trusted_device: trusted },
      now,
    );
    return { kind: "signed_in", userId: user.id, session };
  }
  const sessionId = await createPendingLogin(
    db,
    { userId: user.id, firstFactor, requiresSetup: mustEnroll, clientInfo: client },
    now,
  );
  await recordSecurityEvent({ type: "login.2fa_required", userId: user.id, client, details: { setup: mustEnroll } });
  // Enrolled methods are always shown, whatever the enrollment switches say: hiding one could hide the only usable factor.
  const challenge: SecondFactorChallenge = {
    session_id: sessionId,
    requires_2fa: true,
    requires_2fa_setup: mustEnroll,
    totp_enabled: factors.totp,
    passkey_enabled: factors.passkeys > 0,
    backup_codes_available: enrolled && factors.backupCodesRemaining > 0,
  };
  if (mustEnroll) {
    challenge.totp_available = settings.totpEnabled;
    challenge.passkey_available = settings.passkeyEnabled;
  }
  return { kind: "second_factor", challenge };
}

/**
 * Starts the session, then records login.succeeded. Not one transaction, to spare every sign-in
 * Prisma's transaction machinery: each is one statement, and the caller hands the credential out
 * only after both, so a failure in between leaves a session nobody holds.
 */
async function issueAndRecord<T>(
  issue: SessionIssuer<T>,
  input: { userId: number; amr: string[]; client: ClientInfo },
  details: { method: FirstFactor; trusted_device?: string },
  now: Date,
): Promise<T> {
  const session = await issue(db, input, now);
  await recordSecurityEvent({ type: "login.succeeded", userId: input.userId, client: input.client, details });
  return session;
}

export type LoginUser = SignInUser & { isActive: boolean; passwordHash: string | null };

/** Finds the account for a username or e-mail address. */
export async function findLoginUser(identifier: string): Promise<LoginUser | null> {
  const value = identifier.trim().toLowerCase();
  const [row] = await readRows<{
    id: number;
    username: string;
    is_staff: boolean;
    is_active: boolean;
    password_hash: string | null;
  }>(
    `SELECT id, username, is_staff, is_active, password_hash FROM users WHERE username = $1 ${value.includes("@") ? "OR email = $1" : ""} LIMIT 1`,
    [value],
  );
  return row
    ? {
        id: row.id,
        username: row.username,
        isStaff: row.is_staff,
        isActive: row.is_active,
        passwordHash: row.password_hash,
      }
    : null;
}

/**
 * Password sign-in. Unknown user, wrong password and inactive account give the same answer after
 * the same amount of work.
 */
export async function signInWithPassword<T>(
  input: { username: string; password: string; trustedBrowser?: string | null },
  client: ClientInfo,
  issue: SessionIssuer<T>,
  now = new Date(),
): Promise<Result<SignInResult<T>>> {
  const account = input.username.trim().toLowerCase();
  const limited = await checkAttempt("password", { ip: client.ip, account }, now);
  if (!limited.ok) {
    // Without a client address nothing is counted or stored: there is no per-address window to log in.
    if (limited.code !== "client_address_unknown")
      await recordRefusalOncePerWindow(
        { type: "login.rate_limited", client, details: { method: "password", username: account } },
        settings.rateLimits.login.windowSeconds,
        now,
      );
    return limited;
  }
  const user = await findLoginUser(account);
  if (!user?.passwordHash) {
    await burnPasswordCheck(input.password);
  }
  const valid = user?.passwordHash ? await verifyPassword(input.password, user.passwordHash) : false;
  if (!user || !valid || !user.isActive) {
    await recordFailedAttempt("password", { ip: client.ip, account }, now);
    await recordSecurityEvent({
      type: "login.failed",
      userId: user?.id ?? null,
      client,
      details: { username: account.slice(0, 150) },
    });
    return fail("invalid_credentials");
  }
  if (limited.value.accountFailures) await clearFailedAttempts("password", { ip: client.ip, account });
  if (user.passwordHash && needsRehash(user.passwordHash))
    await upgradePasswordHash(user.id, user.passwordHash, input.password);
  // After the password: only the owner learns that the address still needs confirming.
  const verified = await checkEmailVerifiedForSignIn(user.id);
  if (!verified.ok) return verified;
  return ok(await beginSignIn(user, "password", client, issue, now, { trustedBrowser: input.trustedBrowser }));
}

/**
 * Replaces a hash made with an older algorithm or older parameters, now that the password is known
 * to be right. Only if the stored hash is still the one just verified: a password change that
 * landed in between wins.
 */
async function upgradePasswordHash(userId: number, verifiedHash: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.user.updateMany({ where: { id: userId, passwordHash: verifiedHash }, data: { passwordHash } });
}

/** What the 2FA page may show for a pending login. Reads only; null when it cannot be used. */
export type PendingLoginView = {
  username: string;
  requiresSetup: boolean;
  totp: boolean;
  passkey: boolean;
  backupCodes: boolean;
  totpAvailable: boolean;
  passkeyAvailable: boolean;
  /** Days the "don't ask again on this browser" choice lasts; 0 when it may not be offered. */
  trustBrowserDays: number;
};

export async function describePendingLogin(
  sessionId: string,
  client: ClientInfo,
  now = new Date(),
): Promise<PendingLoginView | null> {
  if (!isSessionId(sessionId)) return null;
  const session = await db.loginSession.findUnique({
    where: { id: sessionId },
    select: {
      userId: true,
      requiresSetup: true,
      consumedAt: true,
      expiresAt: true,
      failedAttempts: true,
      ipAddress: true,
      userAgent: true,
      user: { select: { username: true, isActive: true, isStaff: true } },
    },
  });
  if (!session || session.consumedAt || session.expiresAt <= now || !session.user.isActive) return null;
  if (
    session.failedAttempts >= MAX_FAILED_ATTEMPTS ||
    session.ipAddress !== client.ip ||
    session.userAgent !== client.userAgent
  )
    return null;
  const factors = await getFactorSummary(session.userId);
  return {
    username: session.user.username,
    requiresSetup: session.requiresSetup && !hasSecondFactor(factors),
    totp: factors.totp,
    passkey: factors.passkeys > 0,
    backupCodes: hasSecondFactor(factors) && factors.backupCodesRemaining > 0,
    totpAvailable: settings.totpEnabled,
    passkeyAvailable: settings.passkeyEnabled,
    trustBrowserDays: mayTrustBrowser(session.user) ? settings.trustedDeviceDays : 0,
  };
}

/**
 * "Cancel and start over": ends the pending login server-side, so that its id (the cookie a
 * browser may still hold, or a copy of it) can no longer be completed with a code (issue 18.5).
 */
export async function cancelPendingLogin(sessionId: string): Promise<void> {
  if (!isSessionId(sessionId)) return;
  await db.loginSession.deleteMany({ where: { id: sessionId, consumedAt: null } });
}

/**
 * True when this pending login was just completed by enrolling a factor, by this user: the 2FA
 * page keeps showing the enrollment result (the backup codes) instead of bouncing to sign-in.
 */
export async function wasCompletedByEnrollment(sessionId: string, userId: number, now = new Date()): Promise<boolean> {
  if (!isSessionId(sessionId)) return false;
  const session = await db.loginSession.findUnique({
    where: { id: sessionId },
    select: { userId: true, requiresSetup: true, consumedAt: true, expiresAt: true },
  });
  return Boolean(
    session && session.userId === userId && session.requiresSetup && session.consumedAt && session.expiresAt > now,
  );
}
