// Applies prisma/migrations with the pg driver alone, recording them in _prisma_migrations exactly
// as `prisma migrate deploy` does (same table, checksum and advisory lock), so either tool can take
// over from the other. The container and serverless release steps use this instead of the Prisma
// CLI: the image then carries no CLI, no schema engine and no second copy of the Prisma packages.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

/** The key `prisma migrate` locks on, so a Prisma CLI run and this one never overlap. */
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** The migrations shipped in `dir`, oldest first: folders holding a migration.sql. */
export function listMigrations(dir) {
  if (!existsSync(dir)) throw new Error(`no migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
}

/** Applied and unfinished (failed) migration names recorded in the database. */
export async function recordedMigrations(client) {
  const table = await client.query("SELECT to_regclass('_prisma_migrations') AS name");
  if (!table.rows[0]?.name) return { applied: new Set(), failed: new Set() };
  const rows = await client.query(
    "SELECT migration_name, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL",
  );
  return {
    applied: new Set(rows.rows.filter((r) => r.finished_at !== null).map((r) => r.migration_name)),
    failed: new Set(rows.rows.filter((r) => r.finished_at === null).map((r) => r.migration_name)),
  };
}

/**
 * Applies every migration in `dir` not yet recorded, each file as one script the way Prisma sends
 * it. Refuses, as Prisma does, while an earlier attempt is recorded as failed. Returns the names
 * applied.
 */
export async function applyMigrations({ connectionString, dir, log = () => {} }) {
  const names = listMigrations(dir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_TABLE);
    const { applied, failed } = await recordedMigrations(client);
    if (failed.size > 0) {
      throw new Error(
        `migration ${[...failed].join(", ")} failed earlier and is still recorded as started: fix the database, then mark it with ` +
          "`npx prisma migrate resolve --rolled-back <name>` (or --applied)",
      );
    }
    const done = [];
    for (const name of names.filter((n) => !applied.has(n))) {
      const script = readFileSync(path.join(dir, name, "migration.sql"));
      const id = randomUUID();
      await client.query(
        "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())",
        [id, createHash("sha256").update(script).digest("hex"), name],
      );
      try {
        // No parameters: the simple query protocol, one implicit transaction per script, as Prisma.
        await client.query(script.toString("utf8"));
      } catch (error) {
        await client.query("UPDATE _prisma_migrations SET logs = $2 WHERE id = $1", [
          id,
          String(error instanceof Error ? error.message : error),
        ]);
        throw new Error(`migration ${name} failed: ${error instanceof Error ? error.message : error}`);
      }
      await client.query("UPDATE _prisma_migrations SET finished_at = now(), applied_steps_count = 1 WHERE id = $1", [
        id,
      ]);
      log(`applied ${name}`);
      done.push(name);
    }
    return done;
  } finally {
    await client.end().catch(() => {});
  }
}
