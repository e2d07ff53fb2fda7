import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settings } from "@/lib/env";
import { applyMigrations, listMigrations } from "@/scripts/lib/migrations.mjs";

/**
 * The Vercel-style path: no long-lived process migrates before traffic, so `npm run migrate` runs as
 * the build or release step, through DIRECT_DATABASE_URL while DATABASE_URL is a pooled URL (here
 * one that does not even resolve); the records it writes are the ones `prisma migrate deploy`
 * writes, and the first admin comes from the CLI.
 */

const POOLED_ONLY = "postgresql://app:secret@pooler.invalid:6543/app?pgbouncer=true";
const suffix = `${process.pid}_${Date.now().toString(36)}`;
const names = { release: `lk_release_${suffix}`, failing: `lk_release_fail_${suffix}` };
// Databases are created and reached directly: a transaction-mode pooler serves only the databases it lists.
const urlFor = (name: string) => {
  const url = new URL(settings.directDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: settings.directDatabaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function run(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      args,
      { env: { ...process.env, ...env }, timeout: 90_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` });
      },
    );
    child.stdin?.end(input ?? "");
  });
}

beforeAll(async () => {
  await admin(async (c) => {
    for (const name of Object.values(names)) await c.query(`CREATE DATABASE "${name}"`);
  });
}, 120_000);

afterAll(async () => {
  await admin(async (c) => {
    for (const name of Object.values(names)) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  // Dropping a database waits for a checkpoint, which takes a while on a busy machine.
}, 120_000);

describe("npm run migrate as a release step", () => {
  it("migrates through DIRECT_DATABASE_URL, records what prisma migrate deploy records, and the CLI creates the first admin", async () => {
    const env = { DATABASE_URL: POOLED_ONLY, DIRECT_DATABASE_URL: urlFor(names.release) };
    const shipped = listMigrations(path.resolve("prisma/migrations"));

    const first = await run(["scripts/migrate.mjs"], env);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain(`${shipped.length} applied`);
    const again = await run(["scripts/migrate.mjs"], env);
    expect(again.out).toContain("no pending migrations");

    const direct = new pg.Client({ connectionString: urlFor(names.release) });
    await direct.connect();
    try {
      const rows = await direct.query<{ migration_name: string; checksum: string }>(
        "SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name",
      );
      expect(rows.rows).toEqual(
        shipped.map((name) => ({
          migration_name: name,
          checksum: createHash("sha256")
            .update(readFileSync(path.resolve("prisma/migrations", name, "migration.sql")))
            .digest("hex"),
        })),
      );
    } finally {
      await direct.end();
    }

    // Prisma's own CLI (prisma.config.ts) also goes through DIRECT_DATABASE_URL and finds nothing to do.
    const prisma = await run(["node_modules/prisma/build/index.js", "migrate", "deploy"], env);
    expect(prisma.code, prisma.out).toBe(0);
    expect(prisma.out).toMatch(/No pending migrations/i);

    const created = await run(
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        "scripts/create-admin.ts",
        "--username",
        "ops",
        "--email",
        "ops@example.com",
      ],
      { DATABASE_URL: urlFor(names.release) },
      "violet harbour cedar 2041\n",
    );
    expect(created.code, created.out).toBe(0);
    const c = new pg.Client({ connectionString: urlFor(names.release) });
    await c.connect();
    const staff = await c
      .query<{ username: string; is_staff: boolean }>("SELECT username, is_staff FROM users")
      .finally(() => c.end());
    expect(staff.rows).toEqual([{ username: "ops", is_staff: true }]);
  }, 120_000);

  it("stops at a failing migration, records it as failed, and refuses to go on until it is resolved", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "lokdown-migrations-"));
    try {
      const scripts: [string, string][] = [
        ["20260101000000_ok", "CREATE TABLE kept (id int);"],
        ["20260102000000_broken", "CREATE TABLE half (id int);\nTHIS IS NOT SQL;"],
      ];
      for (const [name, sql] of scripts) {
        mkdirSync(path.join(dir, name));
        writeFileSync(path.join(dir, name, "migration.sql"), sql);
      }
      const connectionString = urlFor(names.failing);
      await expect(applyMigrations({ connectionString, dir })).rejects.toThrow(/20260102000000_broken failed/);
      await expect(applyMigrations({ connectionString, dir })).rejects.toThrow(/migrate resolve/);
      const c = new pg.Client({ connectionString });
      await c.connect();
      try {
        const rows = await c.query(
          "SELECT migration_name, finished_at IS NOT NULL AS finished, logs IS NOT NULL AS logged FROM _prisma_migrations ORDER BY migration_name",
        );
        expect(rows.rows).toEqual([
          { migration_name: "20260101000000_ok", finished: true, logged: false },
          { migration_name: "20260102000000_broken", finished: false, logged: true },
        ]);
        // The failed script ran as one transaction: nothing of it stayed.
        expect((await c.query("SELECT to_regclass('half') AS t")).rows[0]).toEqual({ t: null });
      } finally {
        await c.end();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
