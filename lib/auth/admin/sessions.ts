import "server-only";
import UAParser from "ua-parser-js";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ok, type Result } from "../errors";
import { authorize } from "../policy/step-up";
import type { AccountActor } from "../two-factor/account-security";
import type { ClientInfo } from "../request/client";
import { AMR, passedSecondFactor } from "../policy/amr";
import { recordSecurityEvent } from "../audit";
import { liveSessionWhere, sessionStatus, timedOutSessionWhere } from "../sessions/liveness";
import type { CsvColumn } from "./csv";
import { pageOf, recentSince, RECENT_CHOICES, skipTake, type ListPage, type ListQuery, type ListSpec } from "./listing";

/** Signed-in sessions: browser cookies ("web") and refresh-token families ("api"). */
export const authSessionsSpec = {
  sorts: ["created", "last_seen", "expires", "username"],
  defaultSort: "last_seen",
  defaultDir: "desc",
  filters: {
    status: ["active", "revoked", "expired"],
    kind: ["web", "api"],
    mfa: ["yes", "no"],
    recent: RECENT_CHOICES,
  },
} as const satisfies ListSpec<string, string>;

export type AuthSessionsQuery = ListQuery<
  (typeof authSessionsSpec.sorts)[number],
  keyof typeof authSessionsSpec.filters
>;

export type AdminAuthSessionRow = {
  id: string;
  userId: number;
  username: string;
  kind: string;
  amr: string[];
  mfa: boolean;
  status: "active" | "revoked" | "expired";
  ipAddress: string | null;
  userAgent: string;
  device: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
};

/** "Firefox 128 on Linux" from a user agent; "" when nothing is recognised. */
export function describeUserAgent(userAgent: string): string {
  if (!userAgent) return "";
  const parsed = new UAParser(userAgent).getResult();
  const browser = [parsed.browser.name, parsed.browser.major].filter(Boolean).join(" ");
  const os = parsed.os.name ?? "";
  return browser && os ? `${browser} on ${os}` : browser || os;
}

function where(query: AuthSessionsQuery, now: Date): Prisma.AuthSessionWhereInput {
  const and: Prisma.AuthSessionWhereInput[] = [];
  if (query.q) {
    and.push({
      OR: [
        { user: { username: { contains: query.q, mode: "insensitive" } } },
        { user: { email: { contains: query.q, mode: "insensitive" } } },
        { ipAddress: { startsWith: query.q } },
      ],
    });
  }
  const { status, kind, mfa, recent } = query.filters;
  if (status === "active") and.push(liveSessionWhere(now));
  if (status === "revoked") and.push({ revokedAt: { not: null } });
  if (status === "expired") and.push(timedOutSessionWhere(now));
  if (kind) and.push({ kind });
  if (mfa === "yes") and.push({ amr: { has: AMR.multiFactor } });
  if (mfa === "no") and.push({ NOT: { amr: { has: AMR.multiFactor } } });
  const since = recentSince(recent, now);
  if (since) and.push({ lastSeenAt: { gte: since } });
  return { AND: and };
}

function orderBy(query: AuthSessionsQuery): Prisma.AuthSessionOrderByWithRelationInput[] {
  const dir = query.dir;
  switch (query.sort) {
    case "created":
      return [{ createdAt: dir }, { id: dir }];
    case "last_seen":
      return [{ lastSeenAt: dir }, { id: dir }];
    case "expires":
      return [{ expiresAt: dir }, { id: dir }];
    case "username":
      return [{ user: { username: dir } }, { lastSeenAt: "desc" }];
  }
}

export async function listAuthSessions(
  query: AuthSessionsQuery,
  range = skipTake(query),
  now = new Date(),
): Promise<ListPage<AdminAuthSessionRow>> {
  const [rows, total] = await Promise.all([
    db.authSession.findMany({
      where: where(query, now),
      orderBy: orderBy(query),
      select: {
        id: true,
        userId: true,
        kind: true,
        amr: true,
        ipAddress: true,
        userAgent: true,
        createdAt: true,
        lastSeenAt: true,
        expiresAt: true,
        revokedAt: true,
        revokedReason: true,
        user: { select: { username: true } },
      },
      ...range,
    }),
    db.authSession.count({ where: where(query, now) }),
  ]);
  return pageOf(
    rows.map(({ user, ...r }) => ({
      ...r,
      username: user.username,
      mfa: passedSecondFactor(r.amr),
      status: sessionStatus(r, now),
      device: describeUserAgent(r.userAgent),
    })),
    total,
    query,
  );
}

export const authSessionCsv: CsvColumn<AdminAuthSessionRow>[] = [
  { header: "id", value: (r) => r.id },
  { header: "user_id", value: (r) => r.userId },
  { header: "username", value: (r) => r.username },
  { header: "kind", value: (r) => r.kind },
  { header: "amr", value: (r) => r.amr.join(" ") },
  { header: "status", value: (r) => r.status },
  { header: "ip_address", value: (r) => r.ipAddress },
  { header: "user_agent", value: (r) => r.userAgent },
  { header: "created_at", value: (r) => r.createdAt },
  { header: "last_seen_at", value: (r) => r.lastSeenAt },
  { header: "expires_at", value: (r) => r.expiresAt },
  { header: "revoked_at", value: (r) => r.revokedAt },
  { header: "revoked_reason", value: (r) => r.revokedReason },
];

/** Ends the selected sessions now: cookies stop working and refresh tokens are refused. */
export async function revokeAuthSessions(
  actor: AccountActor,
  ids: string[],
  client: ClientInfo,
  now = new Date(),
): Promise<Result<number>> {
  if (ids.length === 0) return ok(0);
  const allowed = await authorize("staff.revoke_credentials", actor, {}, client, now);
  if (!allowed.ok) return allowed;
  const { count } = await db.authSession.updateMany({
    where: { id: { in: ids }, revokedAt: null },
    data: { revokedAt: now, revokedReason: "admin" },
  });
  if (count > 0)
    await recordSecurityEvent({ type: "admin.sessions_revoked", userId: actor.userId, client, details: { count } });
  return ok(count);
}
