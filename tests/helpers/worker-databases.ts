import pg from "pg";
import type { TestProject } from "vitest/node";

/**
 * The integration files run in parallel, each worker on a database of its own: a copy of the
 * suite's migrated database (DATABASE_URL) named after it, `<name>_w<worker>`. Copying with
 * `CREATE DATABASE … TEMPLATE` takes a fraction of a second; migrating each copy would take many.
 */
export function workerDatabaseUrl(url: string, worker: string): string {
  const copy = new URL(url);
  copy.pathname = `/${databaseName(url)}_w${worker}`;
  return copy.toString();
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * globalSetup of the integration project: one copy per worker, made again for every run (a copy
 * left by an interrupted run is replaced), dropped at the end. Through the direct URL when there
 * is one: a transaction-mode pooler cannot create databases.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const direct = process.env.DIRECT_DATABASE_URL || process.env.DATABASE_URL;
  if (!direct) throw new Error("DATABASE_URL is not set: run the integration suite through `npm test` or set it");
  const template = databaseName(direct);
  const workers = Array.from({ length: Number(project.config.maxWorkers) || 1 }, (_, i) => String(i + 1));
  const copies = workers.map((worker) => databaseName(workerDatabaseUrl(direct, worker)));
  // Connected to the maintenance database: a database being copied must have no connections.
  const maintenance = new URL(direct);
  maintenance.pathname = "/postgres";
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    // Settings made with ALTER DATABASE (CI's statement_timeout) are not part of the copy.
    const { rows } = await client.query<{ setting: string }>(
      "SELECT unnest(setconfig) AS setting FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1 AND s.setrole = 0",
      [template],
    );
    for (const copy of copies) {
      await client.query(`DROP DATABASE IF EXISTS ${quoted(copy)} WITH (FORCE)`);
      await createCopy(client, copy, template);
      for (const { setting } of rows) {
        const [name = "", ...value] = setting.split("=");
        await client.query(
          `ALTER DATABASE ${quoted(copy)} SET ${quoted(name)} = ${client.escapeLiteral(value.join("="))}`,
        );
      }
    }
  } finally {
    await client.end();
  }
  return async () => {
    const dropper = new pg.Client({ connectionString: maintenance.toString() });
    await dropper.connect();
    try {
      for (const copy of copies) await dropper.query(`DROP DATABASE IF EXISTS ${quoted(copy)} WITH (FORCE)`);
    } finally {
      await dropper.end();
    }
  };
}

/** The template may still be held for a moment by the connection that just migrated it. */
async function createCopy(client: pg.Client, copy: string, template: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`CREATE DATABASE ${quoted(copy)} TEMPLATE ${quoted(template)}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "55006" || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
