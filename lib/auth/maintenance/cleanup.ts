import "server-only";
import { db, type DbClient, type Tx } from "@/lib/db";
import { settings } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * What `security-audit --cleanup` removes: rows that can no longer do anything, and logs past
 * retention. It never deletes a user's working factor (TOTP, passkeys, unused backup codes) nor a
 * usable API key, session, trusted browser or link;
 * django-lokdown's cleanup deleted passkeys unused for 90 days, silently switching 2FA off.
 */

export type CleanupCategory =
  | "expiredLoginSessions"
  | "spentWebAuthnChallenges"
  | "expiredRateLimitBuckets"
  | "oldSecurityEvents"
  | "deadApiKeys"
  | "deadAuthSessions"
  | "spentOAuthSignIns"
  | "spentPasswordResetTokens"
  | "spentEmailChanges"
  | "spentEmailVerifications"
  | "deadTrustedDevices"
  | "oldMailMessages";

export type CleanupCounts = Record<CleanupCategory, number> & {
  /** Refresh tokens that go with the deleted auth sessions (removed by the same delete). */
  refreshTokensOfDeadSessions: number;
};

export type CleanupResult = {
  applied: boolean;
  retentionDays: number;
  cutoff: string;
  counts: CleanupCounts;
  total: number;
};

export const CLEANUP_DESCRIPTIONS: Record<keyof CleanupCounts, string> = {
  expiredLoginSessions: "expired pending logins",
  spentWebAuthnChallenges: "used or expired WebAuthn challenges",
  expiredRateLimitBuckets: "expired rate-limit counters",
  oldSecurityEvents: "security events past retention",
  deadApiKeys: "API keys revoked or expired before the retention cutoff",
  deadAuthSessions: "sessions revoked or expired before the retention cutoff",
  refreshTokensOfDeadSessions: "refresh tokens of those sessions",
  spentOAuthSignIns: "used or expired social sign-in hand-offs",
  spentPasswordResetTokens: "used or expired password-reset links",
  spentEmailChanges: "used or expired e-mail change links",
  spentEmailVerifications: "used or expired sign-up confirmation links",
  deadTrustedDevices: "trusted browsers revoked or expired before the retention cutoff",
  oldMailMessages: "security e-mails past retention",
};

const DAY_MS = 86_400_000;

function predicates(now: Date, cutoff: Date) {
  const expiredLogin: Prisma.LoginSessionWhereInput = { expiresAt: { lt: now } };
  const deadSession: Prisma.AuthSessionWhereInput = {
    OR: [{ revokedAt: { lt: cutoff } }, { expiresAt: { lt: cutoff } }],
  };
  return {
    expiredLogin,
    // Includes challenges of expired logins, which the login delete would otherwise cascade uncounted.
    spentChallenge: {
      OR: [{ consumedAt: { not: null } }, { expiresAt: { lt: now } }, { loginSession: { is: expiredLogin } }],
    } satisfies Prisma.WebAuthnChallengeWhereInput,
    expiredBucket: { expiresAt: { lt: now } } satisfies Prisma.RateLimitBucketWhereInput,
    oldEvent: { createdAt: { lt: cutoff } } satisfies Prisma.SecurityEventWhereInput,
    // An API key or session that could still authenticate is never "dead", whatever its age.
    deadKey: { OR: [{ revokedAt: { lt: cutoff } }, { expiresAt: { lt: cutoff } }] } satisfies Prisma.ApiKeyWhereInput,
    deadSession,
    deadRefresh: { session: { is: deadSession } } satisfies Prisma.RefreshTokenWhereInput,
    // Single-use links and hand-offs: once used or expired they can never be accepted again.
    spentOAuthSignIn: {
      OR: [{ consumedAt: { not: null } }, { expiresAt: { lt: now } }],
    } satisfies Prisma.OAuthSignInWhereInput,
    spentResetToken: {
      OR: [{ usedAt: { not: null } }, { expiresAt: { lt: now } }],
    } satisfies Prisma.PasswordResetTokenWhereInput,
    spentEmailChange: {
      OR: [{ usedAt: { not: null } }, { expiresAt: { lt: now } }],
    } satisfies Prisma.EmailChangeRequestWhereInput,
    spentEmailVerification: {
      OR: [{ usedAt: { not: null } }, { expiresAt: { lt: now } }],
    } satisfies Prisma.EmailVerificationTokenWhereInput,
    deadTrustedDevice: {
      OR: [{ revokedAt: { lt: cutoff } }, { expiresAt: { lt: cutoff } }],
    } satisfies Prisma.TrustedDeviceWhereInput,
    oldMail: { createdAt: { lt: cutoff } } satisfies Prisma.MailMessageWhereInput,
  };
}

async function countAll(client: DbClient, p: ReturnType<typeof predicates>): Promise<CleanupCounts> {
  const [
    challenges,
    logins,
    buckets,
    events,
    keys,
    sessions,
    refresh,
    oauth,
    resets,
    emails,
    verifications,
    devices,
    mail,
  ] = await Promise.all([
    client.webAuthnChallenge.count({ where: p.spentChallenge }),
    client.loginSession.count({ where: p.expiredLogin }),
    client.rateLimitBucket.count({ where: p.expiredBucket }),
    client.securityEvent.count({ where: p.oldEvent }),
    client.apiKey.count({ where: p.deadKey }),
    client.authSession.count({ where: p.deadSession }),
    client.refreshToken.count({ where: p.deadRefresh }),
    client.oAuthSignIn.count({ where: p.spentOAuthSignIn }),
    client.passwordResetToken.count({ where: p.spentResetToken }),
    client.emailChangeRequest.count({ where: p.spentEmailChange }),
    client.emailVerificationToken.count({ where: p.spentEmailVerification }),
    client.trustedDevice.count({ where: p.deadTrustedDevice }),
    client.mailMessage.count({ where: p.oldMail }),
  ]);
  return {
    expiredLoginSessions: logins,
    spentWebAuthnChallenges: challenges,
    expiredRateLimitBuckets: buckets,
    oldSecurityEvents: events,
    deadApiKeys: keys,
    deadAuthSessions: sessions,
    refreshTokensOfDeadSessions: refresh,
    spentOAuthSignIns: oauth,
    spentPasswordResetTokens: resets,
    spentEmailChanges: emails,
    spentEmailVerifications: verifications,
    deadTrustedDevices: devices,
    oldMailMessages: mail,
  };
}

const sum = (c: CleanupCounts) => Object.values(c).reduce((a, b) => a + b, 0);

/** Dry run: how many rows each category would lose. Reads only. */
export async function planCleanup(options: { now?: Date; retentionDays?: number } = {}): Promise<CleanupResult> {
  const now = options.now ?? new Date();
  const retentionDays = options.retentionDays ?? settings.auditRetentionDays;
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const counts = await countAll(db, predicates(now, cutoff));
  return { applied: false, retentionDays, cutoff: cutoff.toISOString(), counts, total: sum(counts) };
}

/** Children first, so that no delete cascades into rows it did not count. */
async function deleteAll(tx: Tx, p: ReturnType<typeof predicates>): Promise<CleanupCounts> {
  const challenges = await tx.webAuthnChallenge.deleteMany({ where: p.spentChallenge });
  const logins = await tx.loginSession.deleteMany({ where: p.expiredLogin });
  const buckets = await tx.rateLimitBucket.deleteMany({ where: p.expiredBucket });
  const events = await tx.securityEvent.deleteMany({ where: p.oldEvent });
  const keys = await tx.apiKey.deleteMany({ where: p.deadKey });
  const refresh = await tx.refreshToken.deleteMany({ where: p.deadRefresh });
  const sessions = await tx.authSession.deleteMany({ where: p.deadSession });
  const oauth = await tx.oAuthSignIn.deleteMany({ where: p.spentOAuthSignIn });
  const resets = await tx.passwordResetToken.deleteMany({ where: p.spentResetToken });
  const emails = await tx.emailChangeRequest.deleteMany({ where: p.spentEmailChange });
  const verifications = await tx.emailVerificationToken.deleteMany({ where: p.spentEmailVerification });
  const devices = await tx.trustedDevice.deleteMany({ where: p.deadTrustedDevice });
  const mail = await tx.mailMessage.deleteMany({ where: p.oldMail });
  return {
    expiredLoginSessions: logins.count,
    spentWebAuthnChallenges: challenges.count,
    expiredRateLimitBuckets: buckets.count,
    oldSecurityEvents: events.count,
    deadApiKeys: keys.count,
    deadAuthSessions: sessions.count,
    refreshTokensOfDeadSessions: refresh.count,
    spentOAuthSignIns: oauth.count,
    spentPasswordResetTokens: resets.count,
    spentEmailChanges: emails.count,
    spentEmailVerifications: verifications.count,
    deadTrustedDevices: devices.count,
    oldMailMessages: mail.count,
  };
}

const TRANSACTION = { maxWait: 10_000, timeout: 120_000 } as const;

/** Deletes the rows planCleanup counts, in one transaction; returns what was deleted. */
export async function applyCleanup(options: { now?: Date; retentionDays?: number } = {}): Promise<CleanupResult> {
  const now = options.now ?? new Date();
  const retentionDays = options.retentionDays ?? settings.auditRetentionDays;
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const counts = await db.$transaction((tx) => deleteAll(tx, predicates(now, cutoff)), TRANSACTION);
  return { applied: true, retentionDays, cutoff: cutoff.toISOString(), counts, total: sum(counts) };
}

/**
 * Names the advisory lock of scheduled cleanup runs (an arbitrary constant: "lokdown-cleanup").
 * One database may serve several app instances; only one of them cleans at a time.
 */
export const CLEANUP_LOCK_KEY = 0x6c6b_636c;

/**
 * applyCleanup for the scheduler and the cron route: one run at a time across every instance.
 * The lock is transaction-scoped (pg_try_advisory_xact_lock), taken in the same transaction as the
 * deletes and released by its commit, so it also holds through a transaction-mode pooler
 * (PgBouncer), where a session lock could stay behind on a pooled connection. An instance that
 * finds the lock taken skips (null) instead of waiting: the other one is doing the same work.
 */
export async function applyCleanupExclusive(
  options: { now?: Date; retentionDays?: number } = {},
): Promise<CleanupResult | null> {
  const now = options.now ?? new Date();
  const retentionDays = options.retentionDays ?? settings.auditRetentionDays;
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const counts = await db.$transaction(async (tx): Promise<CleanupCounts | null> => {
    const [lock] = await tx.$queryRaw<
      { locked: boolean }[]
    >`SELECT pg_try_advisory_xact_lock(${CLEANUP_LOCK_KEY}::bigint) AS locked`;
    if (!lock?.locked) return null;
    return deleteAll(tx, predicates(now, cutoff));
  }, TRANSACTION);
  return counts ? { applied: true, retentionDays, cutoff: cutoff.toISOString(), counts, total: sum(counts) } : null;
}
