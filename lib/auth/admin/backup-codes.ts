import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { CsvColumn } from "./csv";
import { pageOf, skipTake, type ListPage, type ListQuery, type ListSpec } from "./listing";

/** Per user: how many codes are left. The codes themselves are hashes and never leave lib/auth. */
export const backupCodesSpec = {
  sorts: ["username", "remaining", "generated"],
  defaultSort: "remaining",
  defaultDir: "asc",
  filters: { remaining: ["none", "low", "ok"], factor: ["yes", "no"] },
} as const satisfies ListSpec<string, string>;

export type BackupCodesQuery = ListQuery<(typeof backupCodesSpec.sorts)[number], keyof typeof backupCodesSpec.filters>;

/** At or below this many unused codes a user counts as running low. */
export const LOW_BACKUP_CODES = 2;

export type AdminBackupCodesRow = {
  userId: number;
  username: string;
  email: string;
  remaining: number;
  used: number;
  generatedAt: Date | null;
  hasFactor: boolean;
};

type Row = {
  user_id: number;
  username: string;
  email: string;
  remaining: number;
  used: number;
  generated_at: Date | null;
  has_factor: boolean;
};

const SORT_SQL = { username: "username", remaining: "remaining", generated: "generated_at" } as const;

function filters(query: BackupCodesQuery): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`(has_factor OR total > 0)`];
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(Prisma.sql`(username ILIKE ${like} OR email ILIKE ${like})`);
  }
  if (query.filters.remaining === "none") parts.push(Prisma.sql`remaining = 0`);
  if (query.filters.remaining === "low") parts.push(Prisma.sql`remaining BETWEEN 1 AND ${LOW_BACKUP_CODES}`);
  if (query.filters.remaining === "ok") parts.push(Prisma.sql`remaining > ${LOW_BACKUP_CODES}`);
  if (query.filters.factor === "yes") parts.push(Prisma.sql`has_factor`);
  if (query.filters.factor === "no") parts.push(Prisma.sql`NOT has_factor`);
  return Prisma.join(parts, " AND ");
}

const base = Prisma.sql`
  SELECT u.id AS user_id, u.username, u.email,
         COALESCE(b.remaining, 0)::int AS remaining, COALESCE(b.used, 0)::int AS used, COALESCE(b.total, 0)::int AS total,
         b.generated_at,
         (t.secret_encrypted IS NOT NULL OR EXISTS (SELECT 1 FROM passkey_credentials p WHERE p.user_id = u.id)) AS has_factor
  FROM users u
  LEFT JOIN totp_devices t ON t.user_id = u.id
  LEFT JOIN (
    SELECT user_id, count(*) FILTER (WHERE used_at IS NULL) AS remaining, count(*) FILTER (WHERE used_at IS NOT NULL) AS used,
           count(*) AS total, max(created_at) AS generated_at
    FROM backup_codes GROUP BY user_id
  ) b ON b.user_id = u.id`;

export async function listBackupCodes(
  query: BackupCodesQuery,
  range = skipTake(query),
): Promise<ListPage<AdminBackupCodesRow>> {
  const where = filters(query);
  // The sort column comes from a fixed map, never from the request.
  const order = Prisma.raw(`${SORT_SQL[query.sort]} ${query.dir === "asc" ? "ASC" : "DESC"} NULLS LAST, user_id ASC`);
  const [rows, counted] = await Promise.all([
    db.$queryRaw<
      Row[]
    >`SELECT * FROM (${base}) s WHERE ${where} ORDER BY ${order} LIMIT ${range.take} OFFSET ${range.skip}`,
    db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (${base}) s WHERE ${where}`,
  ]);
  return pageOf(
    rows.map((r) => ({
      userId: r.user_id,
      username: r.username,
      email: r.email,
      remaining: r.remaining,
      used: r.used,
      generatedAt: r.generated_at,
      hasFactor: r.has_factor,
    })),
    counted[0]?.n ?? 0,
    query,
  );
}

export const backupCodesCsv: CsvColumn<AdminBackupCodesRow>[] = [
  { header: "user_id", value: (r) => r.userId },
  { header: "username", value: (r) => r.username },
  { header: "email", value: (r) => r.email },
  { header: "remaining", value: (r) => r.remaining },
  { header: "used", value: (r) => r.used },
  { header: "generated_at", value: (r) => r.generatedAt },
  { header: "has_second_factor", value: (r) => r.hasFactor },
];
