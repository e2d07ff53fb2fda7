import "server-only";
import { db, queryRows, type DbClient } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type ErrorCode, type Result } from "./errors";
import { rateLimitAddressKey } from "./request/address-key";

/**
 * One policy for every password and code path (django-lokdown left several unlimited). Two
 * counters guard each attempt, both in PostgreSQL so every app instance sees the same numbers:
 *  - per client IP: a fixed window of N attempts (LOGIN_INIT_RATE_LIMIT, TOTP_VERIFY_RATE_LIMIT,
 *    BACKUP_CODE_RATE_LIMIT), counting every attempt as django-lokdown does;
 *  - per account *and* IP: exponential backoff after repeated failures. Keyed by the pair, so an
 *    attacker elsewhere can slow down only themselves, never lock the real user out.
 */
export type AttemptScope = "password" | "totp" | "backup_code" | "passkey" | "reauth" | "password_reset";

type WindowPolicy = { limit: number; windowSeconds: number; error: ErrorCode };

function windowPolicy(scope: AttemptScope): WindowPolicy {
  switch (scope) {
    case "totp":
      return { ...settings.rateLimits.totp, error: "rate_limited" };
    case "backup_code":
      return { ...settings.rateLimits.backupCode, error: "backup_code_rate_limited" };
    default:
      return { ...settings.rateLimits.login, error: "rate_limited" };
  }
}

/** Failures allowed per account and IP before backoff starts, and its ceiling. */
export const BACKOFF = { freeFailures: 5, windowSeconds: 15 * 60, maxDelaySeconds: 15 * 60 } as const;

export type WindowState = { count: number; expiresAt: Date };
export type BackoffState = { failures: number; lastFailureAt: Date };
export type Decision = { allowed: true } | { allowed: false; retryAfter: number };

/** Pure: is the attempt that produced this counter state allowed? */
export function decideWindow(state: WindowState, limit: number, now: Date): Decision {
  if (state.count <= limit) return { allowed: true };
  return { allowed: false, retryAfter: Math.max(1, Math.ceil((state.expiresAt.getTime() - now.getTime()) / 1000)) };
}

/** Pure: after `failures` recent failures, how long must the next attempt wait? */
export function decideBackoff(state: BackoffState | null, now: Date): Decision {
  if (!state || state.failures < BACKOFF.freeFailures) return { allowed: true };
  const delay = Math.min(2 ** (state.failures - BACKOFF.freeFailures + 1), BACKOFF.maxDelaySeconds);
  const waitMs = state.lastFailureAt.getTime() + delay * 1000 - now.getTime();
  return waitMs <= 0 ? { allowed: true } : { allowed: false, retryAfter: Math.ceil(waitMs / 1000) };
}

// Counts one event under $1 in a fixed window ($2 = now, $3 = when a window opened now would end)
// and returns the new count and window end. Atomic: concurrent requests each see their own count.
const INCREMENT_WINDOW = `
  INSERT INTO rate_limit_buckets AS b (key, count, window_start, updated_at, expires_at)
  VALUES ($1, 1, $2::timestamp, $2::timestamp, $3::timestamp)
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN b.expires_at <= $2::timestamp THEN 1 ELSE b.count + 1 END,
    window_start = CASE WHEN b.expires_at <= $2::timestamp THEN $2::timestamp ELSE b.window_start END,
    expires_at = CASE WHEN b.expires_at <= $2::timestamp THEN $3::timestamp ELSE b.expires_at END,
    updated_at = $2::timestamp
  RETURNING count, expires_at`;

/** Atomically counts one event in a fixed window and returns the new state. */
async function incrementWindow(client: DbClient, key: string, windowSeconds: number, now: Date): Promise<WindowState> {
  const rows = await queryRows<{ count: number; expires_at: Date }>(client, INCREMENT_WINDOW, [
    key,
    now,
    new Date(now.getTime() + windowSeconds * 1000),
  ]);
  const row = rows[0];
  if (!row) throw new Error("rate limit upsert returned no row");
  return { count: Number(row.count), expiresAt: row.expires_at };
}

// Addresses are counted per host: IPv4-mapped IPv6 as IPv4, IPv6 per /64 (lib/auth/request/address-key.ts).
const ipKey = (scope: AttemptScope, ip: string | null) => `ip:${scope}:${rateLimitAddressKey(ip)}`;
const accountKey = (scope: AttemptScope, account: string, ip: string | null) =>
  `fail:${scope}:${account.toLowerCase()}:${rateLimitAddressKey(ip)}`;

/**
 * Call before checking a password or code. Counts the attempt against the IP window and refuses
 * while the account-and-IP pair is backing off. Inside a transaction pass its client: a second
 * pool connection per transaction would exhaust the pool under concurrent requests.
 */
export async function checkAttempt(
  scope: AttemptScope,
  who: { ip: string | null; account?: string },
  now = new Date(),
  client: DbClient = db,
): Promise<Result<{ accountFailures: boolean }>> {
  // Never one shared bucket: in production an attempt without a client address is refused, not
  // counted under "unknown" with everyone else's. proxy.ts refuses earlier where it runs (pages and
  // requests carrying cookies); cookie-less API calls reach this check.
  if (who.ip === null && settings.production) return fail("client_address_unknown");
  const policy = windowPolicy(scope);
  // One round trip: the attempt counted in the address's window, and the account's backoff read.
  const [row] = await queryRows<{
    count: number;
    expires_at: Date;
    failures: number | null;
    last_failure_at: Date | null;
    backoff_expires_at: Date | null;
  }>(
    client,
    `WITH counted AS (${INCREMENT_WINDOW})
     SELECT counted.count, counted.expires_at, f.count AS failures, f.updated_at AS last_failure_at, f.expires_at AS backoff_expires_at
     FROM counted LEFT JOIN rate_limit_buckets f ON f.key = $4::text`,
    [
      ipKey(scope, who.ip),
      now,
      new Date(now.getTime() + policy.windowSeconds * 1000),
      who.account ? accountKey(scope, who.account, who.ip) : null,
    ],
  );
  if (!row) throw new Error("rate limit upsert returned no row");
  const window = decideWindow({ count: Number(row.count), expiresAt: row.expires_at }, policy.limit, now);
  if (!window.allowed) return fail(policy.error, { retryAfter: window.retryAfter });
  if (who.account) {
    const bucket =
      row.failures === null
        ? null
        : {
            failures: row.failures,
            lastFailureAt: row.last_failure_at as Date,
            expiresAt: row.backoff_expires_at as Date,
          };
    const state =
      bucket && bucket.expiresAt > now ? { failures: bucket.failures, lastFailureAt: bucket.lastFailureAt } : null;
    const backoff = decideBackoff(state, now);
    if (!backoff.allowed) return fail(policy.error, { retryAfter: backoff.retryAfter });
    // Lets a successful sign-in skip clearing a backoff that is not there (a statement saved).
    return ok({ accountFailures: bucket !== null });
  }
  return ok({ accountFailures: false });
}

export async function recordFailedAttempt(
  scope: AttemptScope,
  who: { ip: string | null; account: string },
  now = new Date(),
  client: DbClient = db,
): Promise<void> {
  await incrementWindow(client, accountKey(scope, who.account, who.ip), BACKOFF.windowSeconds, now);
}

export async function clearFailedAttempts(
  scope: AttemptScope,
  who: { ip: string | null; account: string },
  client: DbClient = db,
): Promise<void> {
  await client.rateLimitBucket.deleteMany({ where: { key: accountKey(scope, who.account, who.ip) } });
}

/**
 * Per-address limits on anonymous requests that store a row without checking any secret (issue
 * 18.3): each call would otherwise grow a table at the caller's pace. A person needs a handful per
 * minute; the numbers bound what one address can leave behind before cleanup removes it.
 */
export const ANONYMOUS_POLICIES = {
  /** Passwordless options: each stores a five-minute WebAuthn challenge. */
  passkey_options: { limit: 20, windowSeconds: 60 },
  /** Finished provider sign-ins: each stores a hand-off row (and maybe a new user). */
  oauth_sign_in: { limit: 10, windowSeconds: 60 },
} as const satisfies Record<string, { limit: number; windowSeconds: number }>;

export type AnonymousPolicy = keyof typeof ANONYMOUS_POLICIES;

/** Counts one anonymous request from this address and refuses it past the policy's limit. */
export async function checkAnonymousRequest(
  policy: AnonymousPolicy,
  ip: string | null,
  now = new Date(),
  client: DbClient = db,
): Promise<Result<void>> {
  // As in checkAttempt: never one shared "unknown" bucket in production, and one host per IPv6 /64.
  if (ip === null && settings.production) return fail("client_address_unknown");
  const { limit, windowSeconds } = ANONYMOUS_POLICIES[policy];
  const decision = decideWindow(
    await incrementWindow(client, `anon:${policy}:${rateLimitAddressKey(ip)}`, windowSeconds, now),
    limit,
    now,
  );
  return decision.allowed ? ok(undefined) : fail("rate_limited", { retryAfter: decision.retryAfter });
}

/**
 * True for the first call with this key in a window, false for the rest: lets a caller log a
 * repeated refusal once per window instead of once per request (issue 18.2).
 */
export async function firstInWindow(
  key: string,
  windowSeconds: number,
  now = new Date(),
  client: DbClient = db,
): Promise<boolean> {
  return (await incrementWindow(client, `once:${key}`, windowSeconds, now)).count === 1;
}
