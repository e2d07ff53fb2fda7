import "server-only";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { readRows } from "@/lib/db";

export type NotReadyReason = "database_unavailable" | "migrations_pending" | "migrations_not_shipped";
export type Readiness = { ready: true } | { ready: false; reason: NotReadyReason; detail: string };

/**
 * The migrations this build ships. next.config.ts traces prisma/migrations into the standalone
 * output and serverless bundles (outputFileTracingIncludes), and the standalone server runs with
 * its own folder as the working directory, so the same relative path holds everywhere.
 */
export const SHIPPED_MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");

/** A hung database must not hang the load balancer's probe. */
const PROBE_TIMEOUT_MS = 3_000;
const UNDEFINED_TABLE = "42P01";

/** Folders holding a migration.sql, oldest first; null without a migrations folder. */
export function shippedMigrations(): string[] | null {
  // Paths spelled out from process.cwd() so the build traces this folder only, not the project.
  if (!existsSync(path.join(process.cwd(), "prisma", "migrations"))) return null;
  return readdirSync(path.join(process.cwd(), "prisma", "migrations"), { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        existsSync(path.join(process.cwd(), "prisma", "migrations", entry.name, "migration.sql")),
    )
    .map((entry) => entry.name)
    .sort();
}

async function appliedMigrations(): Promise<Set<string>> {
  const rows = await readRows<{ migration_name: string }>(
    "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    [],
  );
  return new Set(rows.map((r) => r.migration_name));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Ready: PostgreSQL answers and every migration this build ships is applied. Migrations the
 * database has beyond those (a newer release rolled out alongside) do not make an instance unready.
 */
export async function checkReadiness(): Promise<Readiness> {
  const shipped = shippedMigrations();
  if (shipped === null || shipped.length === 0) {
    return {
      ready: false,
      reason: "migrations_not_shipped",
      detail: `no migrations found at ${SHIPPED_MIGRATIONS_DIR}`,
    };
  }
  let applied: Set<string>;
  try {
    applied = await withTimeout(appliedMigrations(), PROBE_TIMEOUT_MS);
  } catch (error) {
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) applied = new Set();
    else
      return {
        ready: false,
        reason: "database_unavailable",
        detail: error instanceof Error ? error.message : String(error),
      };
  }
  const pending = shipped.filter((name) => !applied.has(name));
  if (pending.length > 0)
    return {
      ready: false,
      reason: "migrations_pending",
      detail: `${pending.length} migration(s) not applied: ${pending.join(", ")}`,
    };
  return { ready: true };
}

let inFlight: Promise<Readiness> | null = null;
let lastLogged: NotReadyReason | "ready" = "ready";

/** Logs when the answer changes, not on every probe: probes come every few seconds. */
function logChange(result: Readiness): void {
  const state = result.ready ? "ready" : result.reason;
  if (state === lastLogged) return;
  lastLogged = state;
  if (result.ready) console.info("[lokdown] ready: the database answers and every migration is applied");
  else console.error(`[lokdown] not ready (${result.reason}): ${result.detail}`);
}

/** Probes arriving together share one check: a burst of probes is one query, not a burst. */
export function readiness(): Promise<Readiness> {
  inFlight ??= checkReadiness()
    .then((result) => {
      logChange(result);
      return result;
    })
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}
