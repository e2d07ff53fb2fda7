import "server-only";
import { settings } from "@/lib/env";
import { applyCleanupExclusive, type CleanupResult } from "./cleanup";

/**
 * The cleanup of `security-audit --cleanup --force`, run by the server itself every
 * LOKDOWN_CLEANUP_INTERVAL_MINUTES (issue 18.2): without it the rows anonymous callers leave
 * (challenges, counters, log rows) pile up until someone runs the CLI. Every instance schedules
 * it; applyCleanupExclusive lets one of them work at a time.
 */

export type CleanupSchedule = { stop: () => void };

type ScheduleOptions = {
  /** Default: settings.cleanup.intervalMinutes; 0 starts nothing. */
  intervalMinutes?: number;
  /** Default: applyCleanupExclusive. */
  run?: () => Promise<CleanupResult | null>;
};

const SCHEDULE = Symbol.for("lokdown.cleanupSchedule");
type ScheduleHolder = { [SCHEDULE]?: CleanupSchedule };

/** Starts the schedule once per process (a dev server's module reloads find the running one). */
export function startCleanupSchedule(options: ScheduleOptions = {}): CleanupSchedule | null {
  const minutes = options.intervalMinutes ?? settings.cleanup.intervalMinutes;
  if (minutes <= 0) return null;
  const holder = globalThis as ScheduleHolder;
  const running = holder[SCHEDULE];
  if (running) return running;
  const run = options.run ?? (() => applyCleanupExclusive());
  let busy = false;
  const tick = async (): Promise<void> => {
    // A run slower than the interval is not overtaken by the next one in this process.
    if (busy) return;
    busy = true;
    try {
      const result = await run();
      if (result && result.total > 0) console.info(`[lokdown] scheduled cleanup removed ${result.total} rows`);
    } catch (error) {
      // A database outage must not take the server down; the next tick tries again.
      console.error("[lokdown] scheduled cleanup failed:", error instanceof Error ? error.message : error);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), minutes * 60_000);
  // Never keeps a process alive that is otherwise done (CLI scripts, tests).
  timer.unref?.();
  const schedule: CleanupSchedule = {
    stop: () => {
      clearInterval(timer);
      if (holder[SCHEDULE] === schedule) delete holder[SCHEDULE];
    },
  };
  holder[SCHEDULE] = schedule;
  return schedule;
}
