import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ok, type Result } from "../errors";
import { authorize } from "../policy/step-up";
import type { AccountActor } from "../two-factor/account-security";
import { revokeUserApiKey } from "../api-access/api-keys";
import type { ClientInfo } from "../request/client";
import type { CsvColumn } from "./csv";
import { pageOf, skipTake, type ListPage, type ListQuery, type ListSpec } from "./listing";

export const apiKeysSpec = {
  sorts: ["created", "last_used", "expires", "username"],
  defaultSort: "created",
  defaultDir: "desc",
  filters: { status: ["active", "expired", "revoked"] },
} as const satisfies ListSpec<string, string>;

export type ApiKeysQuery = ListQuery<(typeof apiKeysSpec.sorts)[number], keyof typeof apiKeysSpec.filters>;

export type AdminApiKeyRow = {
  id: number;
  userId: number;
  username: string;
  name: string;
  prefix: string;
  status: "active" | "expired" | "revoked";
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

function where(query: ApiKeysQuery, now: Date): Prisma.ApiKeyWhereInput {
  const and: Prisma.ApiKeyWhereInput[] = [];
  if (query.q) {
    and.push({
      OR: [
        { name: { contains: query.q, mode: "insensitive" } },
        { prefix: { startsWith: query.q } },
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
  const { status } = query.filters;
  if (status === "active") and.push({ revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });
  if (status === "expired") and.push({ revokedAt: null, expiresAt: { lte: now } });
  if (status === "revoked") and.push({ revokedAt: { not: null } });
  return { AND: and };
}

function orderBy(query: ApiKeysQuery): Prisma.ApiKeyOrderByWithRelationInput[] {
  const dir = query.dir;
  switch (query.sort) {
    case "created":
      return [{ createdAt: dir }, { id: dir }];
    case "last_used":
      return [{ lastUsedAt: { sort: dir, nulls: "last" } }, { id: dir }];
    case "expires":
      return [{ expiresAt: { sort: dir, nulls: "last" } }, { id: dir }];
    case "username":
      return [{ user: { username: dir } }, { id: dir }];
  }
}

export async function listApiKeys(
  query: ApiKeysQuery,
  range = skipTake(query),
  now = new Date(),
): Promise<ListPage<AdminApiKeyRow>> {
  const [rows, total] = await Promise.all([
    db.apiKey.findMany({
      where: where(query, now),
      orderBy: orderBy(query),
      select: {
        id: true,
        userId: true,
        name: true,
        prefix: true,
        createdAt: true,
        lastUsedAt: true,
        expiresAt: true,
        revokedAt: true,
        user: { select: { username: true } },
      },
      ...range,
    }),
    db.apiKey.count({ where: where(query, now) }),
  ]);
  return pageOf(
    rows.map(({ user, ...r }) => ({
      ...r,
      username: user.username,
      status: r.revokedAt ? "revoked" : r.expiresAt && r.expiresAt <= now ? "expired" : "active",
    })),
    total,
    query,
  );
}

export const apiKeyCsv: CsvColumn<AdminApiKeyRow>[] = [
  { header: "id", value: (r) => r.id },
  { header: "user_id", value: (r) => r.userId },
  { header: "username", value: (r) => r.username },
  { header: "name", value: (r) => r.name },
  { header: "prefix", value: (r) => r.prefix },
  { header: "status", value: (r) => r.status },
  { header: "created_at", value: (r) => r.createdAt },
  { header: "last_used_at", value: (r) => r.lastUsedAt },
  { header: "expires_at", value: (r) => r.expiresAt },
  { header: "revoked_at", value: (r) => r.revokedAt },
];

/** "Revoke selected API keys", through the same function the API uses for staff (one event per key). */
export async function revokeApiKeys(
  actor: AccountActor,
  ids: number[],
  client: ClientInfo,
  now = new Date(),
): Promise<Result<number>> {
  let revoked = 0;
  for (const id of ids) {
    const result = await revokeUserApiKey({ ...actor, isStaff: true }, id, client, now);
    if (!result.ok && result.code !== "api_key_not_found" && result.code !== "api_keys_disabled") return result;
    if (result.ok) revoked += 1;
    else if (result.code === "api_keys_disabled") return result;
  }
  return ok(revoked);
}
