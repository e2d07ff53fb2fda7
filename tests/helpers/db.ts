import { db } from "@/lib/db";

let resetStatement: string | undefined;

/**
 * One statement that empties every table and restarts its ids, as `TRUNCATE … RESTART IDENTITY`
 * would. DELETE rather than TRUNCATE: TRUNCATE makes new files for every table and index (about
 * 0.2 s for this schema, before every test), while a test leaves only a handful of rows. The
 * tables are first locked as TRUNCATE locks them, so work a previous test left running after its
 * response finishes before the delete and cannot leave a row behind. Children go before their
 * parents, so no foreign key has to cascade.
 */
async function buildResetStatement(): Promise<string> {
  const tables = (
    await db.$queryRaw<{ name: string }[]>`
      SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`
  ).map((t) => t.name);
  if (tables.length === 0) return "";
  const references = await db.$queryRaw<{ child: string; parent: string }[]>`
    SELECT child.relname AS child, parent.relname AS parent
    FROM pg_constraint c
    JOIN pg_class child ON child.oid = c.conrelid
    JOIN pg_class parent ON parent.oid = c.confrelid
    WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND c.conrelid <> c.confrelid`;
  const sequences = await db.$queryRaw<{ name: string; start: bigint }[]>`
    SELECT sequencename AS name, start_value AS start FROM pg_sequences WHERE schemaname = 'public'`;
  // Depth-first: a table is deleted from only after every table that references it.
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string): void => {
    if (order.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const r of references) if (r.parent === table) visit(r.child);
    order.push(table);
  };
  for (const table of tables) visit(table);
  const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return [
    "DO $reset$ BEGIN",
    `LOCK TABLE ${tables.map(quoted).join(", ")} IN ACCESS EXCLUSIVE MODE;`,
    ...order.map((t) => `DELETE FROM ${quoted(t)};`),
    ...sequences.map((s) => `PERFORM setval('${quoted(s.name)}', ${s.start}, false);`),
    "END $reset$",
  ].join("\n");
}

/** Empties every table. */
export async function resetDatabase(): Promise<void> {
  resetStatement ??= await buildResetStatement();
  if (resetStatement === "") return;
  // Work a previous test left running after its response (e.g. the forgot-password mail, sent
  // after the answer on purpose) can still hold row locks: a deadlock here just means "try again".
  for (let attempt = 1; ; attempt++) {
    try {
      await db.$executeRawUnsafe(resetStatement);
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
