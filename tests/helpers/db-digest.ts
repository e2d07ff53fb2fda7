import { db } from "@/lib/db";

/**
 * A digest of every row of every table (not only counts), to prove a refused request changed
 * nothing at all. Like snapshotCounts it skips the rate-limit counters and the security log,
 * which a refused request is meant to write.
 */
export async function snapshotContents(): Promise<Record<string, string>> {
  const tables = await db.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', 'rate_limit_buckets', 'security_events')
    ORDER BY tablename`;
  const digests: Record<string, string> = {};
  for (const { tablename } of tables) {
    const rows = await db.$queryRawUnsafe<{ digest: string; n: bigint }[]>(
      `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest, count(*) AS n FROM "${tablename}" t`,
    );
    digests[tablename] = `${Number(rows[0]?.n ?? 0)} rows, ${rows[0]?.digest ?? ""}`;
  }
  return digests;
}
