import { afterEach, describe, expect, it, vi } from "vitest";
import * as cron from "@/app/api/cron/cleanup/route";
import { applyCleanupExclusive, CLEANUP_LOCK_KEY } from "@/lib/auth/maintenance/cleanup";
import { startCleanupSchedule } from "@/lib/auth/maintenance/cleanup-schedule";
import { db } from "@/lib/db";
import { call } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { addBucket, addEvent } from "../helpers/security-seed";

/**
 * Issue 18.2 / 19: the cleanup runs by itself (a schedule in each server, or the cron route), one
 * instance at a time through a transaction-scoped advisory lock.
 */

afterEach(() => {
  vi.useRealTimers();
});

const SECRET = "cron-secret-0123456789-abcdefghijklmnop";
const past = () => new Date(Date.now() - 60_000);

async function seedExpired(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await addBucket(`ip:password:198.51.100.${i}`, past());
  await addEvent("login.failed", { at: new Date(Date.now() - 400 * 86_400_000) });
}

/**
 * True once some transaction holds the cleanup lock (a bigint key below 2^32: classid 0, objid = key)
 * in this database: pg_locks lists the whole server, where other test workers run their own cleanups.
 */
async function cleanupLockHeld(): Promise<boolean> {
  const rows = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = ${CLEANUP_LOCK_KEY}::oid
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
  return Number(rows[0]?.n ?? 0) > 0;
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("condition never became true");
}

/**
 * Runs `during` while a first cleanup run is inside its transaction holding the lock: the test
 * holds a row lock on one expired counter, so the first run blocks at its delete.
 */
async function whileOneRunHoldsTheLock<T>(
  during: () => Promise<T>,
): Promise<{ first: Awaited<ReturnType<typeof applyCleanupExclusive>>; during: T }> {
  let first: Promise<Awaited<ReturnType<typeof applyCleanupExclusive>>> | undefined;
  const inner = await db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT key FROM rate_limit_buckets WHERE key = 'ip:password:198.51.100.0' FOR UPDATE`;
      first = applyCleanupExclusive();
      await waitFor(cleanupLockHeld);
      return during();
    },
    { timeout: 30_000 },
  );
  if (!first) throw new Error("first run not started");
  return { first: await first, during: inner };
}

describe("two cleanup runs at once", () => {
  it("one does the work, the other skips", async () => {
    await seedExpired(5);
    const { first, during } = await whileOneRunHoldsTheLock(() => applyCleanupExclusive());
    expect(during).toBeNull();
    expect(first?.counts.expiredRateLimitBuckets).toBe(5);
    expect(first?.counts.oldSecurityEvents).toBe(1);
    expect(await db.rateLimitBucket.count()).toBe(0);
    // The lock went with the transaction: the next run works (and finds nothing left).
    const next = await applyCleanupExclusive();
    expect(next?.total).toBe(0);
    expect(await cleanupLockHeld()).toBe(false);
  });

  it("many concurrent runs delete each row once, and never fail", async () => {
    await seedExpired(20);
    const results = await Promise.all(Array.from({ length: 4 }, () => applyCleanupExclusive()));
    const ran = results.filter((r) => r !== null);
    expect(ran.length).toBeGreaterThanOrEqual(1);
    expect(ran.reduce((n, r) => n + (r?.counts.expiredRateLimitBuckets ?? 0), 0)).toBe(20);
  });
});

describe("the schedule in each server (LOKDOWN_CLEANUP_INTERVAL_MINUTES)", () => {
  it("runs every interval, not before; stops; 0 starts nothing", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    await seedExpired(3);
    const runs: number[] = [];
    const schedule = startCleanupSchedule({
      intervalMinutes: 5,
      run: async () => {
        const result = await applyCleanupExclusive();
        runs.push(result?.total ?? -1);
        return result;
      },
    });
    expect(schedule).not.toBeNull();
    // A second start in the same process finds the running schedule.
    expect(startCleanupSchedule({ intervalMinutes: 5 })).toBe(schedule);
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(60_000);
    await waitForRealTime(() => runs.length === 1);
    expect(runs[0]).toBe(4);
    expect(await db.rateLimitBucket.count()).toBe(0);
    schedule?.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(runs.length).toBe(1);
    expect(startCleanupSchedule({ intervalMinutes: 0 })).toBeNull();
  });
});

async function waitForRealTime(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe("POST /api/cron/cleanup (LOKDOWN_CRON_SECRET)", () => {
  const post = (headers: Record<string, string> = {}) => call(cron.POST, "POST", "/api/cron/cleanup", { headers });

  it("does not exist while no secret is set", async () => {
    await seedExpired(2);
    const res = await post({ authorization: `Bearer ${SECRET}` });
    expect(res.status).toBe(404);
    expect(await db.rateLimitBucket.count()).toBe(2);
  });

  it("refuses a missing or wrong secret with 401 and deletes nothing", async () => {
    overrideSettings({ cleanup: { cronSecret: SECRET } });
    await seedExpired(2);
    for (const authorization of [
      "",
      SECRET,
      `Bearer ${SECRET}x`,
      `Bearer ${SECRET.slice(0, -1)}`,
      `Basic ${SECRET}`,
      `Bearer  ${SECRET}`,
      "Bearer ",
    ]) {
      const res = await post(authorization ? { authorization } : {});
      expect(res.status, authorization).toBe(401);
      expect(res.json.code).toBe("not_authenticated");
    }
    expect(await db.rateLimitBucket.count()).toBe(2);
  });

  it("runs the cleanup with the right secret, and skips while another run holds the lock", async () => {
    overrideSettings({ cleanup: { cronSecret: SECRET } });
    await seedExpired(3);
    const { first, during } = await whileOneRunHoldsTheLock(() => post({ authorization: `Bearer ${SECRET}` }));
    expect(during.status).toBe(200);
    expect(during.json).toEqual({ ran: false, reason: "another cleanup is running" });
    expect(first?.total).toBe(4);
    await seedExpired(2);
    const res = await post({ authorization: `Bearer ${SECRET}` });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      ran: true,
      total: 3,
      counts: { expired_rate_limit_buckets: 2, old_security_events: 1 },
    });
  });

  it("runs on GET too, for schedulers that only send GET (Vercel Cron), with the same secret check", async () => {
    overrideSettings({ cleanup: { cronSecret: SECRET } });
    await seedExpired(2);
    const wrong = await call(cron.GET, "GET", "/api/cron/cleanup", { headers: { authorization: `Bearer ${SECRET}x` } });
    expect(wrong.status).toBe(401);
    expect(await db.rateLimitBucket.count()).toBe(2);
    const res = await call(cron.GET, "GET", "/api/cron/cleanup", { headers: { authorization: `Bearer ${SECRET}` } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ran: true, counts: { expired_rate_limit_buckets: 2 } });
  });

  it("answers other methods with 405", async () => {
    overrideSettings({ cleanup: { cronSecret: SECRET } });
    const res = await call(cron.PUT, "PUT", "/api/cron/cleanup", { headers: { authorization: `Bearer ${SECRET}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
  });
});
