import "server-only";
import { settings } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * When a session (browser or API) still signs its holder in: not revoked, before its expiry, and,
 * with LOKDOWN_SESSION_IDLE_MINUTES set, used within that many minutes. Idle sessions are revoked
 * when next presented; until then the lists below already show them as ended.
 */

/** How often a session's last_seen_at is written: reads stay reads, and idleness is measured from it. */
export const LAST_SEEN_INTERVAL_MS = 5 * 60_000;

function idleCutoff(now: Date): Date | null {
  return settings.sessionIdleMinutes > 0 ? new Date(now.getTime() - settings.sessionIdleMinutes * 60_000) : null;
}

/** Unused for longer than LOKDOWN_SESSION_IDLE_MINUTES (never when that is 0). */
export function isIdle(lastSeenAt: Date, now: Date): boolean {
  const cutoff = idleCutoff(now);
  return cutoff !== null && lastSeenAt < cutoff;
}

/** Prisma filter: sessions that still sign their holder in. */
export function liveSessionWhere(now: Date): Prisma.AuthSessionWhereInput {
  const cutoff = idleCutoff(now);
  return { revokedAt: null, expiresAt: { gt: now }, ...(cutoff ? { lastSeenAt: { gte: cutoff } } : {}) };
}

/** Prisma filter: sessions that ended by time (expiry or idleness) without being revoked. */
export function timedOutSessionWhere(now: Date): Prisma.AuthSessionWhereInput {
  const cutoff = idleCutoff(now);
  return { revokedAt: null, OR: [{ expiresAt: { lte: now } }, ...(cutoff ? [{ lastSeenAt: { lt: cutoff } }] : [])] };
}

export function sessionStatus(
  row: { revokedAt: Date | null; expiresAt: Date; lastSeenAt: Date },
  now: Date,
): "active" | "revoked" | "expired" {
  if (row.revokedAt) return "revoked";
  return row.expiresAt <= now || isIdle(row.lastSeenAt, now) ? "expired" : "active";
}
