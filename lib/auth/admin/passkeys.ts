import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { authenticatorName } from "../passkeys/authenticator-names";
import { STALE_PASSKEY_DAYS } from "../maintenance/security-report";
import type { CsvColumn } from "./csv";
import {
  daysBetween,
  describeDaysSince,
  pageOf,
  skipTake,
  type ListPage,
  type ListQuery,
  type ListSpec,
} from "./listing";

export const passkeysSpec = {
  sorts: ["username", "name", "created", "last_used"],
  defaultSort: "created",
  defaultDir: "desc",
  filters: { usage: ["stale", "never", "recent"], sync: ["synced", "device"] },
} as const satisfies ListSpec<string, string>;

export type PasskeysQuery = ListQuery<(typeof passkeysSpec.sorts)[number], keyof typeof passkeysSpec.filters>;

export type AdminPasskeyRow = {
  id: number;
  userId: number;
  username: string;
  name: string;
  authenticator: string | null;
  credentialIdShort: string;
  synced: boolean;
  transports: string[];
  counter: number;
  createdAt: Date;
  lastUsedAt: Date | null;
  daysSinceUse: number | null;
  daysSinceUseText: string;
  stale: boolean;
};

const DAY_MS = 86_400_000;

function where(query: PasskeysQuery, now: Date): Prisma.PasskeyCredentialWhereInput {
  const and: Prisma.PasskeyCredentialWhereInput[] = [];
  if (query.q) {
    and.push({
      OR: [
        { name: { contains: query.q, mode: "insensitive" } },
        { credentialId: { startsWith: query.q } },
        {
          user: {
            OR: [
              { username: { contains: query.q, mode: "insensitive" } },
              { email: { contains: query.q, mode: "insensitive" } },
            ],
          },
        },
      ],
    });
  }
  const staleBefore = new Date(now.getTime() - STALE_PASSKEY_DAYS * DAY_MS);
  // Same rule as the security report: unused for 90 days, counting from creation when never used.
  if (query.filters.usage === "stale")
    and.push({ OR: [{ lastUsedAt: { lt: staleBefore } }, { lastUsedAt: null, createdAt: { lt: staleBefore } }] });
  if (query.filters.usage === "never") and.push({ lastUsedAt: null });
  if (query.filters.usage === "recent") and.push({ lastUsedAt: { gte: staleBefore } });
  if (query.filters.sync === "synced") and.push({ backedUp: true });
  if (query.filters.sync === "device") and.push({ backedUp: false });
  return { AND: and };
}

function orderBy(query: PasskeysQuery): Prisma.PasskeyCredentialOrderByWithRelationInput[] {
  const dir = query.dir;
  switch (query.sort) {
    case "username":
      return [{ user: { username: dir } }, { id: dir }];
    case "name":
      return [{ name: dir }, { id: dir }];
    case "created":
      return [{ createdAt: dir }, { id: dir }];
    case "last_used":
      return [{ lastUsedAt: { sort: dir, nulls: "last" } }, { id: dir }];
  }
}

export async function listPasskeys(
  query: PasskeysQuery,
  range = skipTake(query),
  now = new Date(),
): Promise<ListPage<AdminPasskeyRow>> {
  const staleBefore = now.getTime() - STALE_PASSKEY_DAYS * DAY_MS;
  const [rows, total] = await Promise.all([
    db.passkeyCredential.findMany({
      where: where(query, now),
      orderBy: orderBy(query),
      select: {
        id: true,
        userId: true,
        name: true,
        aaguid: true,
        credentialId: true,
        backedUp: true,
        transports: true,
        counter: true,
        createdAt: true,
        lastUsedAt: true,
        user: { select: { username: true } },
      },
      ...range,
    }),
    db.passkeyCredential.count({ where: where(query, now) }),
  ]);
  return pageOf(
    rows.map((r) => {
      const days = r.lastUsedAt ? daysBetween(r.lastUsedAt, now) : null;
      return {
        id: r.id,
        userId: r.userId,
        username: r.user.username,
        name: r.name,
        authenticator: authenticatorName(r.aaguid),
        credentialIdShort: r.credentialId.length > 20 ? `${r.credentialId.slice(0, 20)}…` : r.credentialId,
        synced: r.backedUp,
        transports: r.transports,
        counter: Number(r.counter),
        createdAt: r.createdAt,
        lastUsedAt: r.lastUsedAt,
        daysSinceUse: days,
        daysSinceUseText: describeDaysSince(days),
        stale: (r.lastUsedAt ?? r.createdAt).getTime() < staleBefore,
      };
    }),
    total,
    query,
  );
}

export const passkeyCsv: CsvColumn<AdminPasskeyRow>[] = [
  { header: "id", value: (r) => r.id },
  { header: "user_id", value: (r) => r.userId },
  { header: "username", value: (r) => r.username },
  { header: "name", value: (r) => r.name },
  { header: "authenticator", value: (r) => r.authenticator },
  { header: "synced", value: (r) => r.synced },
  { header: "transports", value: (r) => r.transports.join(" ") },
  { header: "created_at", value: (r) => r.createdAt },
  { header: "last_used_at", value: (r) => r.lastUsedAt },
  { header: "days_since_use", value: (r) => r.daysSinceUse },
];
