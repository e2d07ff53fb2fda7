import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { FAILED_SECOND_FACTOR_EVENTS } from "../maintenance/security-report";
import type { CsvColumn } from "./csv";
import { pageOf, recentSince, RECENT_CHOICES, skipTake, type ListPage, type ListQuery, type ListSpec } from "./listing";

/** What the failed-attempts page lists: wrong passwords and every wrong second factor. */
export const FAILED_ATTEMPT_EVENTS: readonly string[] = ["login.failed", ...FAILED_SECOND_FACTOR_EVENTS];

type EventsSort = "created" | "type" | "username";
type EventsFilter = "type" | "recent" | "user";
export type EventsQuery = ListQuery<EventsSort, EventsFilter>;

/** The filter choices depend on which event types exist (and, for one user, on user ids). */
export function eventsSpec(
  types: readonly string[],
  userIds: readonly string[] = [],
): ListSpec<EventsSort, EventsFilter> {
  return {
    sorts: ["created", "type", "username"],
    defaultSort: "created",
    defaultDir: "desc",
    filters: { type: types, recent: RECENT_CHOICES, user: userIds },
  };
}

/** Event types present in the log (or, for the failed-attempts page, the failure types). */
export async function listEventTypes(scope: "all" | "failed"): Promise<string[]> {
  if (scope === "failed") return [...FAILED_ATTEMPT_EVENTS];
  const rows = await db.securityEvent.groupBy({ by: ["type"], orderBy: { type: "asc" } });
  return rows.map((r) => r.type);
}

/** The user filter accepts any positive id; it is echoed into the spec so parseListQuery keeps it. */
export function userFilterValues(raw: string): string[] {
  return /^[1-9][0-9]{0,9}$/.test(raw) ? [raw] : [];
}

export type AdminEventRow = {
  id: string;
  type: string;
  userId: number | null;
  username: string | null;
  ipAddress: string | null;
  userAgent: string;
  details: string;
  createdAt: Date;
};

/** "key=value key2=value2", for a table cell and the CSV. */
export function describeDetails(details: Prisma.JsonValue): string {
  if (!details || typeof details !== "object" || Array.isArray(details)) return "";
  return Object.entries(details)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

function where(query: EventsQuery, scope: "all" | "failed", now: Date): Prisma.SecurityEventWhereInput {
  const and: Prisma.SecurityEventWhereInput[] = [];
  if (scope === "failed") and.push({ type: { in: [...FAILED_ATTEMPT_EVENTS] } });
  if (query.q) {
    and.push({
      OR: [
        { user: { username: { contains: query.q, mode: "insensitive" } } },
        { ipAddress: { startsWith: query.q } },
        { type: { contains: query.q } },
      ],
    });
  }
  if (query.filters.type) and.push({ type: query.filters.type });
  if (query.filters.user) and.push({ userId: Number(query.filters.user) });
  const since = recentSince(query.filters.recent, now);
  if (since) and.push({ createdAt: { gte: since } });
  return { AND: and };
}

function orderBy(query: EventsQuery): Prisma.SecurityEventOrderByWithRelationInput[] {
  const dir = query.dir;
  switch (query.sort) {
    case "created":
      return [{ createdAt: dir }, { id: dir }];
    case "type":
      return [{ type: dir }, { createdAt: "desc" }];
    case "username":
      return [{ user: { username: dir } }, { createdAt: "desc" }];
  }
}

export async function listSecurityEvents(
  query: EventsQuery,
  scope: "all" | "failed",
  range = skipTake(query),
  now = new Date(),
): Promise<ListPage<AdminEventRow>> {
  const [rows, total] = await Promise.all([
    db.securityEvent.findMany({
      where: where(query, scope, now),
      orderBy: orderBy(query),
      select: {
        id: true,
        type: true,
        userId: true,
        ipAddress: true,
        userAgent: true,
        details: true,
        createdAt: true,
        user: { select: { username: true } },
      },
      ...range,
    }),
    db.securityEvent.count({ where: where(query, scope, now) }),
  ]);
  return pageOf(
    rows.map((r) => ({
      id: r.id.toString(),
      type: r.type,
      userId: r.userId,
      username: r.user?.username ?? null,
      ipAddress: r.ipAddress,
      userAgent: r.userAgent,
      details: describeDetails(r.details),
      createdAt: r.createdAt,
    })),
    total,
    query,
  );
}

export const eventCsv: CsvColumn<AdminEventRow>[] = [
  { header: "id", value: (r) => r.id },
  { header: "created_at", value: (r) => r.createdAt },
  { header: "type", value: (r) => r.type },
  { header: "user_id", value: (r) => r.userId },
  { header: "username", value: (r) => r.username },
  { header: "ip_address", value: (r) => r.ipAddress },
  { header: "user_agent", value: (r) => r.userAgent },
  { header: "details", value: (r) => r.details },
];
