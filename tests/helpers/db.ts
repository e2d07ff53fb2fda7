import { db } from "@/lib/db";

/** Empties every table (fast: one TRUNCATE). */
export async function resetDatabase(): Promise<void> {
  const tables = await db.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (tables.length === 0) return;
  const statement = `TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(", ")} RESTART IDENTITY CASCADE`;
  // Work a previous test left running after its response (e.g. the forgot-password mail, sent
  // after the answer on purpose) can still hold row locks: a deadlock here just means "try again".
  for (let attempt = 1; ; attempt++) {
    try {
      await db.$executeRawUnsafe(statement);
      return;
    } catch (error) {
      const deadlock = String((error as { message?: unknown }).message ?? "").includes("40P01");
      if (!deadlock || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Row counts of every table, to prove a refused request changed nothing. */
export async function snapshotCounts(): Promise<Record<string, number>> {
  const tables = await db.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', 'rate_limit_buckets', 'security_events')`;
  const counts: Record<string, number> = {};
  for (const { tablename } of tables) {
    const rows = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${tablename}"`);
    counts[tablename] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}
