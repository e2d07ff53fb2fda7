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
