import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { liveSessionWhere } from "../sessions/liveness";

/**
 * The statistics behind `npm run security-audit` and the admin dashboard (django-lokdown's
 * security_audit, without its counting mistakes). Every user figure counts users, not rows, and only active
 * accounts: a deactivated account cannot sign in, so it is reported apart and left out of the rest.
 */

/** Second-factor failures, by the event type lib/auth records for each. */
export const FAILED_SECOND_FACTOR_EVENTS = [
  "totp.failed",
  "backup_code.failed",
  "passkey.failed",
  "login.2fa_failed",
] as const;
const FAILED_PASSWORD_EVENT = "login.failed";

/** Passkeys not used for this long are reported, never deleted (deleting them would silently turn 2FA off). */
export const STALE_PASSKEY_DAYS = 90;
/** API keys expiring within this many days are reported. */
export const EXPIRING_SOON_DAYS = 7;
/** More second-factor failures than this in the window raises an alert (django-lokdown's threshold). */
export const HIGH_FAILURE_THRESHOLD = 10;
/** How many addresses the by-IP table lists. */
export const TOP_IP_COUNT = 10;

export const SECURITY_SCORE_FORMULA =
  "score = 50·A + 30·S + 20·B − P, clamped to 0..100, where A = active users with 2FA ÷ active users, " +
  "S = active staff with 2FA ÷ active staff (1 when there are no staff), B = 2FA users with an unused backup code ÷ 2FA users " +
  "(1 when nobody has 2FA), P = min(20, failed second-factor attempts in the window ÷ 5); 0 when there are no active users.";

export type AlertLevel = "warning" | "critical";
export type SecurityAlert = { code: string; level: AlertLevel; count: number; message: string };

export type FailedAttemptsByIp = { ip: string; secondFactor: number; password: number; total: number };

export type SecurityReport = {
  generatedAt: string;
  windowDays: number;
  windowStart: string;
  users: {
    active: number;
    inactive: number;
    withTwoFactor: number;
    /** Percentage of active users with TOTP or at least one passkey, one decimal. */
    adoptionPercent: number;
    withTotp: number;
    withPasskey: number;
    withBoth: number;
    passkeyOnly: number;
    staff: number;
    staffWithoutTwoFactor: number;
    /** Usernames of active staff without a second factor (at most 50). */
    staffWithoutTwoFactorNames: string[];
    /** Users with 2FA whose backup codes are all used up (or who never had any). */
    twoFactorWithoutBackupCodes: number;
  };
  activity: {
    loginSessionsStarted: number;
    pendingLoginSessions: number;
    activeSessions: number;
    failedSecondFactor: number;
    failedSecondFactorByType: Record<(typeof FAILED_SECOND_FACTOR_EVENTS)[number], number>;
    failedPasswords: number;
    failedByIp: FailedAttemptsByIp[];
  };
  apiKeys: {
    active: number;
    neverUsed: number;
    /** Active keys with no use in the window (counting from creation when never used). */
    unusedInWindow: number;
    expiringSoon: number;
    expired: number;
    revoked: number;
  };
  passkeys: { total: number; unusedFor90Days: number };
  score: { value: number; formula: string };
  alerts: SecurityAlert[];
};

export type ReportProgress = (done: number, total: number, label: string) => void;

const DAY_MS = 86_400_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

const hasTotp: Prisma.UserWhereInput = { totpDevice: { is: { secretEncrypted: { not: null } } } };
const hasPasskey: Prisma.UserWhereInput = { passkeys: { some: {} } };
const hasTwoFactor: Prisma.UserWhereInput = { OR: [hasTotp, hasPasskey] };
const noTwoFactor: Prisma.UserWhereInput = { NOT: [hasTotp, hasPasskey] };

/** Pure: the security score, as stated in SECURITY_SCORE_FORMULA. */
export function computeSecurityScore(input: {
  activeUsers: number;
  withTwoFactor: number;
  staff: number;
  staffWithTwoFactor: number;
  twoFactorWithBackupCodes: number;
  failedSecondFactor: number;
}): number {
  if (input.activeUsers === 0) return 0;
  const adoption = input.withTwoFactor / input.activeUsers;
  const staffCoverage = input.staff === 0 ? 1 : input.staffWithTwoFactor / input.staff;
  const backupCoverage = input.withTwoFactor === 0 ? 1 : input.twoFactorWithBackupCodes / input.withTwoFactor;
  const penalty = Math.min(20, input.failedSecondFactor / 5);
  return round1(Math.min(100, Math.max(0, 50 * adoption + 30 * staffCoverage + 20 * backupCoverage - penalty)));
}

/** Pure: the alerts a report raises. */
export function alertsFor(report: Omit<SecurityReport, "alerts" | "score">): SecurityAlert[] {
  const alerts: SecurityAlert[] = [];
  const add = (code: string, level: AlertLevel, count: number, message: string) => {
    if (count > 0) alerts.push({ code, level, count, message });
  };
  add(
    "staff_without_2fa",
    "critical",
    report.users.staffWithoutTwoFactor,
    `${report.users.staffWithoutTwoFactor} staff account(s) have no second factor`,
  );
  add(
    "high_failed_attempts",
    "critical",
    report.activity.failedSecondFactor > HIGH_FAILURE_THRESHOLD ? report.activity.failedSecondFactor : 0,
    `${report.activity.failedSecondFactor} failed second-factor attempts in the last ${windowText(report.windowDays)} (more than ${HIGH_FAILURE_THRESHOLD})`,
  );
  add(
    "2fa_without_backup_codes",
    "warning",
    report.users.twoFactorWithoutBackupCodes,
    `${report.users.twoFactorWithoutBackupCodes} user(s) with 2FA have no unused backup codes`,
  );
  add(
    "stale_passkeys",
    "warning",
    report.passkeys.unusedFor90Days,
    `${report.passkeys.unusedFor90Days} passkey(s) not used for ${STALE_PASSKEY_DAYS}+ days`,
  );
  add(
    "unused_api_keys",
    "warning",
    report.apiKeys.unusedInWindow,
    `${report.apiKeys.unusedInWindow} active API key(s) not used in the last ${windowText(report.windowDays)}`,
  );
  add(
    "api_keys_expiring",
    "warning",
    report.apiKeys.expiringSoon,
    `${report.apiKeys.expiringSoon} API key(s) expire within ${EXPIRING_SOON_DAYS} days`,
  );
  return alerts;
}

/**
 * Builds the report from the database. Reads only. `onProgress` is told after each step, for a
 * progress bar on large databases.
 */
export async function buildSecurityReport(options: {
  days: number;
  now?: Date;
  onProgress?: ReportProgress;
}): Promise<SecurityReport> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - options.days * DAY_MS);
  const staleBefore = new Date(now.getTime() - STALE_PASSKEY_DAYS * DAY_MS);
  const soon = new Date(now.getTime() + EXPIRING_SOON_DAYS * DAY_MS);
  const activeKey: Prisma.ApiKeyWhereInput = { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  const active: Prisma.UserWhereInput = { isActive: true };

  const steps: [string, () => Promise<number>][] = [
    ["active users", () => db.user.count({ where: active })],
    ["inactive users", () => db.user.count({ where: { isActive: false } })],
    ["users with 2FA", () => db.user.count({ where: { ...active, ...hasTwoFactor } })],
    ["TOTP users", () => db.user.count({ where: { ...active, ...hasTotp } })],
    ["passkey users", () => db.user.count({ where: { ...active, ...hasPasskey } })],
    ["users with both", () => db.user.count({ where: { ...active, AND: [hasTotp, hasPasskey] } })],
    ["staff", () => db.user.count({ where: { ...active, isStaff: true } })],
    ["staff with 2FA", () => db.user.count({ where: { ...active, isStaff: true, ...hasTwoFactor } })],
    [
      "2FA users with backup codes",
      () => db.user.count({ where: { ...active, ...hasTwoFactor, backupCodes: { some: { usedAt: null } } } }),
    ],
    ["login sessions", () => db.loginSession.count({ where: { createdAt: { gte: since } } })],
    ["pending logins", () => db.loginSession.count({ where: { consumedAt: null, expiresAt: { gt: now } } })],
    ["signed-in sessions", () => db.authSession.count({ where: liveSessionWhere(now) })],
    [
      "failed passwords",
      () => db.securityEvent.count({ where: { type: FAILED_PASSWORD_EVENT, createdAt: { gte: since } } }),
    ],
    ["active API keys", () => db.apiKey.count({ where: activeKey })],
    ["never-used API keys", () => db.apiKey.count({ where: { ...activeKey, lastUsedAt: null } })],
    [
      "idle API keys",
      () =>
        db.apiKey.count({
          where: {
            AND: [activeKey, { OR: [{ lastUsedAt: { lt: since } }, { lastUsedAt: null, createdAt: { lt: since } }] }],
          },
        }),
    ],
    ["expiring API keys", () => db.apiKey.count({ where: { revokedAt: null, expiresAt: { gt: now, lte: soon } } })],
    ["expired API keys", () => db.apiKey.count({ where: { revokedAt: null, expiresAt: { lte: now } } })],
    ["revoked API keys", () => db.apiKey.count({ where: { revokedAt: { not: null } } })],
    ["passkeys", () => db.passkeyCredential.count()],
    [
      "stale passkeys",
      () =>
        db.passkeyCredential.count({
          where: { OR: [{ lastUsedAt: { lt: staleBefore } }, { lastUsedAt: null, createdAt: { lt: staleBefore } }] },
        }),
    ],
  ];
  const total = steps.length + 2;
  const counts: Record<string, number> = {};
  let done = 0;
  for (const [label, run] of steps) {
    counts[label] = await run();
    options.onProgress?.(++done, total, label);
  }
  const n = (label: string) => counts[label] ?? 0;

  const staffWithout = await db.user.findMany({
    where: { ...active, isStaff: true, ...noTwoFactor },
    select: { username: true },
    orderBy: { username: "asc" },
    take: 50,
  });
  options.onProgress?.(++done, total, "staff without 2FA");

  const failures = await db.securityEvent.groupBy({
    by: ["ipAddress", "type"],
    where: { type: { in: [...FAILED_SECOND_FACTOR_EVENTS, FAILED_PASSWORD_EVENT] }, createdAt: { gte: since } },
    _count: { _all: true },
  });
  options.onProgress?.(++done, total, "failed attempts by IP");

  const byType = Object.fromEntries(
    FAILED_SECOND_FACTOR_EVENTS.map((t) => [t, 0]),
  ) as SecurityReport["activity"]["failedSecondFactorByType"];
  const byIp = new Map<string, FailedAttemptsByIp>();
  for (const row of failures) {
    const ip = row.ipAddress ?? "unknown";
    const entry = byIp.get(ip) ?? { ip, secondFactor: 0, password: 0, total: 0 };
    const count = row._count._all;
    if (row.type === FAILED_PASSWORD_EVENT) entry.password += count;
    else {
      entry.secondFactor += count;
      byType[row.type as keyof typeof byType] += count;
    }
    entry.total += count;
    byIp.set(ip, entry);
  }
  const failedSecondFactor = Object.values(byType).reduce((a, b) => a + b, 0);
  const failedByIp = [...byIp.values()]
    .sort((a, b) => b.total - a.total || a.ip.localeCompare(b.ip))
    .slice(0, TOP_IP_COUNT);

  const activeUsers = n("active users");
  const withTwoFactor = n("users with 2FA");
  const withTotp = n("TOTP users");
  const withBoth = n("users with both");
  const base: Omit<SecurityReport, "alerts" | "score"> = {
    generatedAt: now.toISOString(),
    windowDays: options.days,
    windowStart: since.toISOString(),
    users: {
      active: activeUsers,
      inactive: n("inactive users"),
      withTwoFactor,
      adoptionPercent: activeUsers === 0 ? 0 : round1((withTwoFactor / activeUsers) * 100),
      withTotp,
      withPasskey: n("passkey users"),
      withBoth,
      passkeyOnly: n("passkey users") - withBoth,
      staff: n("staff"),
      staffWithoutTwoFactor: n("staff") - n("staff with 2FA"),
      staffWithoutTwoFactorNames: staffWithout.map((u) => u.username),
      twoFactorWithoutBackupCodes: withTwoFactor - n("2FA users with backup codes"),
    },
    activity: {
      loginSessionsStarted: n("login sessions"),
      pendingLoginSessions: n("pending logins"),
      activeSessions: n("signed-in sessions"),
      failedSecondFactor,
      failedSecondFactorByType: byType,
      failedPasswords: n("failed passwords"),
      failedByIp,
    },
    apiKeys: {
      active: n("active API keys"),
      neverUsed: n("never-used API keys"),
      unusedInWindow: n("idle API keys"),
      expiringSoon: n("expiring API keys"),
      expired: n("expired API keys"),
      revoked: n("revoked API keys"),
    },
    passkeys: { total: n("passkeys"), unusedFor90Days: n("stale passkeys") },
  };
  const score = computeSecurityScore({
    activeUsers,
    withTwoFactor,
    staff: n("staff"),
    staffWithTwoFactor: n("staff with 2FA"),
    twoFactorWithBackupCodes: n("2FA users with backup codes"),
    failedSecondFactor,
  });
  return { ...base, score: { value: score, formula: SECURITY_SCORE_FORMULA }, alerts: alertsFor(base) };
}

/** "24 hours" rather than "1 days". */
function windowText(days: number): string {
  return days === 1 ? "24 hours" : `${days} days`;
}
