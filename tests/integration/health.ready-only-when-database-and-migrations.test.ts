import pg from "pg";
import { describe, expect, it } from "vitest";
import { noParams } from "../helpers/http";
import * as health from "@/app/api/health/route";
import * as ready from "@/app/api/health/ready/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { shippedMigrations } from "@/lib/health/readiness";

/**
 * GET /api/health/ready answers 200 only while PostgreSQL answers and every migration in
 * prisma/migrations is applied; GET /api/health never touches the database.
 */

async function probe() {
  const res = await ready.GET(new Request("http://localhost:3000/api/health/ready"), noParams());
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** Runs `change` on _prisma_migrations, then `check`, and always puts the table back. */
async function withMigrationTable(change: string, check: () => Promise<void>) {
  const saved = await db.$queryRawUnsafe<Record<string, unknown>[]>("SELECT * FROM _prisma_migrations");
  try {
    await db.$executeRawUnsafe(change);
    await check();
  } finally {
    await db.$transaction([
      db.$executeRawUnsafe("DELETE FROM _prisma_migrations"),
      ...saved.map(
        (row) =>
          db.$executeRaw`INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
          VALUES (${row.id}, ${row.checksum}, ${row.finished_at}, ${row.migration_name}, ${row.logs}, ${row.rolled_back_at}, ${row.started_at}, ${row.applied_steps_count})`,
      ),
    ]);
  }
}

describe("readiness", () => {
  it("is ready when the database answers and every shipped migration is applied", async () => {
    const res = await probe();
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: "ready" });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(shippedMigrations()?.length).toBeGreaterThan(0);
  });

  it("stays ready when the database has migrations beyond this build's (a newer release rolling out)", async () => {
    await withMigrationTable(
      "INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ('future', 'x', '29991231000000_future', now(), 1)",
      async () => expect((await probe()).status).toBe(200),
    );
  });

  it("is not ready while a shipped migration is missing, failed or rolled back", async () => {
    const last = shippedMigrations()?.at(-1) ?? "";
    for (const change of [
      `DELETE FROM _prisma_migrations WHERE migration_name = '${last}'`,
      `UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${last}'`,
      `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '${last}'`,
    ]) {
      await withMigrationTable(change, async () => {
        const res = await probe();
        expect(res.status, change).toBe(503);
        expect(res.json).toEqual({ status: "not_ready", reason: "migrations_pending" });
        expect(res.headers.get("retry-after")).toBe("5");
      });
    }
    expect((await probe()).status).toBe(200);
  });

  it("is not ready, within seconds, when the database does not answer; liveness stays up", async () => {
    // Another session holds the table: the probe's query waits, as on a hung server.
    const blocker = new pg.Client({ connectionString: settings.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE _prisma_migrations IN ACCESS EXCLUSIVE MODE");
      const started = performance.now();
      const res = await probe();
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(res.status).toBe(503);
      expect(res.json).toEqual({ status: "not_ready", reason: "database_unavailable" });
      expect((await health.GET(new Request("http://localhost:3000/api/health"), noParams())).status).toBe(200);
    } finally {
      await blocker.query("ROLLBACK");
      await blocker.end();
    }
    expect((await probe()).status).toBe(200);
  });
});
