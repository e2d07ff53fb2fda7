import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { CsvColumn } from "./csv";
import { pageOf, skipTake, type ListPage, type ListQuery, type ListSpec } from "./listing";

export const totpSpec = {
  sorts: ["username", "created", "confirmed", "last_used"],
  defaultSort: "confirmed",
  defaultDir: "desc",
  filters: { status: ["enabled", "pending"] },
} as const satisfies ListSpec<string, string>;

export type TotpQuery = ListQuery<(typeof totpSpec.sorts)[number], keyof typeof totpSpec.filters>;

export type AdminTotpRow = {
  userId: number;
  username: string;
  email: string;
  /** "enabled", or "pending" for a setup that was started and never verified. */
  status: "enabled" | "pending";
  confirmedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

function where(query: TotpQuery): Prisma.TotpDeviceWhereInput {
  const and: Prisma.TotpDeviceWhereInput[] = [];
  if (query.q)
    and.push({
      user: {
        OR: [
          { username: { contains: query.q, mode: "insensitive" } },
          { email: { contains: query.q, mode: "insensitive" } },
        ],
      },
    });
  if (query.filters.status === "enabled") and.push({ secretEncrypted: { not: null } });
  if (query.filters.status === "pending") and.push({ secretEncrypted: null });
  return { AND: and };
}

function orderBy(query: TotpQuery): Prisma.TotpDeviceOrderByWithRelationInput[] {
  const dir = query.dir;
  switch (query.sort) {
    case "username":
      return [{ user: { username: dir } }];
    case "created":
      return [{ createdAt: dir }, { userId: dir }];
    case "confirmed":
      return [{ confirmedAt: { sort: dir, nulls: "last" } }, { userId: dir }];
    case "last_used":
      return [{ lastUsedAt: { sort: dir, nulls: "last" } }, { userId: dir }];
  }
}

export async function listTotpDevices(query: TotpQuery, range = skipTake(query)): Promise<ListPage<AdminTotpRow>> {
  const [rows, total] = await Promise.all([
    db.totpDevice.findMany({
      where: where(query),
      orderBy: orderBy(query),
      select: {
        userId: true,
        secretEncrypted: true,
        confirmedAt: true,
        lastUsedAt: true,
        createdAt: true,
        updatedAt: true,
        user: { select: { username: true, email: true } },
      },
      ...range,
    }),
    db.totpDevice.count({ where: where(query) }),
  ]);
  return pageOf(
    rows.map((r) => ({
      userId: r.userId,
      username: r.user.username,
      email: r.user.email,
      status: r.secretEncrypted ? "enabled" : "pending",
      confirmedAt: r.confirmedAt,
      lastUsedAt: r.lastUsedAt,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    })),
    total,
    query,
  );
}

export const totpCsv: CsvColumn<AdminTotpRow>[] = [
  { header: "user_id", value: (r) => r.userId },
  { header: "username", value: (r) => r.username },
  { header: "email", value: (r) => r.email },
  { header: "status", value: (r) => r.status },
  { header: "confirmed_at", value: (r) => r.confirmedAt },
  { header: "last_used_at", value: (r) => r.lastUsedAt },
  { header: "created_at", value: (r) => r.createdAt },
  { header: "updated_at", value: (r) => r.updatedAt },
];
