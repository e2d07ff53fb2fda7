import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { buildSecurityReport, FAILED_SECOND_FACTOR_EVENTS, type SecurityReport } from "../maintenance/security-report";

/**
 * The security dashboard: the security report's statistics for the chosen window (the same
 * numbers `npm run security-audit` prints) plus the time series behind its charts.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export const DASHBOARD_WINDOWS = {
  "24h": { label: "24 hours", buckets: 24, bucketMs: HOUR_MS, reportDays: 1 },
  "7d": { label: "7 days", buckets: 7, bucketMs: DAY_MS, reportDays: 7 },
  "30d": { label: "30 days", buckets: 30, bucketMs: DAY_MS, reportDays: 30 },
  "90d": { label: "90 days", buckets: 90, bucketMs: DAY_MS, reportDays: 90 },
} as const;

export type DashboardWindow = keyof typeof DASHBOARD_WINDOWS;
export const DEFAULT_WINDOW: DashboardWindow = "7d";

export function parseDashboardWindow(value: unknown): DashboardWindow {
  return typeof value === "string" && value in DASHBOARD_WINDOWS ? (value as DashboardWindow) : DEFAULT_WINDOW;
}

/** One bucket (an hour or a UTC day) of sign-in activity. */
export type ActivityPoint = { start: Date; signIns: number; failedPasswords: number; failedSecondFactor: number };
/** Cumulative active users, and those of them with a second factor, at the end of a bucket. */
export type AdoptionPoint = { start: Date; users: number; withTwoFactor: number };
export type FactorMix = { totpOnly: number; passkeyOnly: number; both: number; none: number };

export type Dashboard = {
  window: DashboardWindow;
  report: SecurityReport;
  failedSecondFactor24h: number;
  bucketMs: number;
  activity: ActivityPoint[];
  adoption: AdoptionPoint[];
  factorMix: FactorMix;
};

/** Bucket starts, oldest first; the last bucket holds `now`. Buckets are aligned to UTC. */
export function bucketStarts(now: Date, buckets: number, bucketMs: number): Date[] {
  const last = Math.floor(now.getTime() / bucketMs) * bucketMs;
  return Array.from({ length: buckets }, (_, i) => new Date(last - (buckets - 1 - i) * bucketMs));
}

type Counted = { b: number; n: number };

/** Columns are UTC timestamps without time zone; parameters are passed the same way. */
const utc = (date: Date): string => date.toISOString().replace("T", " ").replace("Z", "");

/** Which bucket a timestamp column falls in, counted from `start` (the column name is ours, never input). */
function bucketIndex(column: "created_at" | "consumed_at" | "secured_at", start: Date, bucketMs: number): Prisma.Sql {
  return Prisma.sql`floor(extract(epoch from (${Prisma.raw(column)} - ${utc(start)}::timestamp)) / ${bucketMs / 1000}::float8)::int`;
}

/** Per-bucket counts from rows grouped by bucket index (-1 = before the window). */
function spread(rows: Counted[], buckets: number): { before: number; per: number[] } {
  const per = new Array<number>(buckets).fill(0);
  let before = 0;
  for (const { b, n } of rows) {
    if (b < 0) before += n;
    else if (b < buckets) per[b] = (per[b] ?? 0) + n;
  }
  return { before, per };
}

/**
 * Sign-ins per bucket (login.succeeded: with or without a second step, by password, provider or
 * passkey). Failures: wrong passwords, and wrong second factors.
 */
export async function loadActivity(now: Date, buckets: number, bucketMs: number): Promise<ActivityPoint[]> {
  const starts = bucketStarts(now, buckets, bucketMs);
  const start = starts[0] ?? now;
  const types = ["login.succeeded", "login.failed", ...FAILED_SECOND_FACTOR_EVENTS];
  const events = await db.$queryRaw<{ b: number; type: string; n: number }[]>`
    SELECT ${bucketIndex("created_at", start, bucketMs)} AS b, type, count(*)::int AS n FROM security_events
    WHERE created_at >= ${utc(start)}::timestamp AND type = ANY(${types}::text[]) GROUP BY 1, 2`;
  const points = starts.map((s) => ({ start: s, signIns: 0, failedPasswords: 0, failedSecondFactor: 0 }));
  for (const row of events) {
    const point = points[row.b];
    if (!point) continue;
    if (row.type === "login.succeeded") point.signIns += row.n;
    else if (row.type === "login.failed") point.failedPasswords += row.n;
    else point.failedSecondFactor += row.n;
  }
  return points;
}

/**
 * Adoption over time for today's active users: when each joined, and when each got their first
 * current factor (TOTP confirmation or first passkey). Factors removed since are not in the data.
 */
export async function loadAdoption(now: Date, buckets: number, bucketMs: number): Promise<AdoptionPoint[]> {
  const starts = bucketStarts(now, buckets, bucketMs);
  const start = starts[0] ?? now;
  const [joined, secured] = await Promise.all([
    db.$queryRaw<
      Counted[]
    >`SELECT GREATEST(-1, ${bucketIndex("created_at", start, bucketMs)}) AS b, count(*)::int AS n FROM users WHERE is_active GROUP BY 1`,
    db.$queryRaw<Counted[]>`
      SELECT GREATEST(-1, ${bucketIndex("secured_at", start, bucketMs)}) AS b, count(*)::int AS n FROM (
        SELECT LEAST(COALESCE(t.confirmed_at, t.created_at), p.first_at) AS secured_at
        FROM users u
        LEFT JOIN totp_devices t ON t.user_id = u.id AND t.secret_encrypted IS NOT NULL
        LEFT JOIN (SELECT user_id, min(created_at) AS first_at FROM passkey_credentials GROUP BY user_id) p ON p.user_id = u.id
        WHERE u.is_active
      ) s WHERE secured_at IS NOT NULL GROUP BY 1`,
  ]);
  const users = spread(joined, buckets);
  const factors = spread(secured, buckets);
  let u = users.before;
  let f = factors.before;
  return starts.map((s, i) => {
    u += users.per[i] ?? 0;
    f += factors.per[i] ?? 0;
    return { start: s, users: u, withTwoFactor: f };
  });
}

export function factorMixOf(report: SecurityReport): FactorMix {
  const { withTotp, withBoth, passkeyOnly, active, withTwoFactor } = report.users;
  return { totpOnly: withTotp - withBoth, passkeyOnly, both: withBoth, none: active - withTwoFactor };
}

export async function countFailedSecondFactorSince(since: Date): Promise<number> {
  return db.securityEvent.count({
    where: { type: { in: [...FAILED_SECOND_FACTOR_EVENTS] }, createdAt: { gte: since } },
  });
}

export async function loadDashboard(window: DashboardWindow, now = new Date()): Promise<Dashboard> {
  const spec = DASHBOARD_WINDOWS[window];
  const [report, activity, adoption, failed24h] = await Promise.all([
    buildSecurityReport({ days: spec.reportDays, now }),
    loadActivity(now, spec.buckets, spec.bucketMs),
    loadAdoption(now, spec.buckets, spec.bucketMs),
    countFailedSecondFactorSince(new Date(now.getTime() - DAY_MS)),
  ]);
  return {
    window,
    report,
    failedSecondFactor24h: failed24h,
    bucketMs: spec.bucketMs,
    activity,
    adoption,
    factorMix: factorMixOf(report),
  };
}
