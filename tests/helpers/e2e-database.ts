import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Forgets every rate-limit counter in the suite's database. The e2e files share that database and
 * all sign in from 127.0.0.1, so a file that checks a limit exactly must not inherit the previous
 * file's attempts from the same minute. Files run one at a time, so nothing else is counting.
 */
export async function clearRateLimits(): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query("DELETE FROM rate_limit_buckets");
  } finally {
    await client.end();
  }
}

/**
 * A new, empty database on the suite's PostgreSQL server for an app instance of its own (the app
 * migrates it when it starts). Returns its URL and a function that drops it.
 */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = new URL(process.env.DATABASE_URL ?? "");
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const adminUrl = new URL(base);
  adminUrl.pathname = "/postgres";
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
