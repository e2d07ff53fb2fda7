import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ok, type Result } from "../errors";
import { authorize } from "../policy/step-up";
import type { AccountActor } from "../two-factor/account-security";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { deleteExpiredPendingLogins, MAX_FAILED_ATTEMPTS } from "../login/pending-logins";
import type { CsvColumn } from "./csv";
import { pageOf, recentSince, RECENT_CHOICES, skipTake, type ListPage, type ListQuery, type ListSpec } from "./listing";

/** Pending logins: the step between the password and the second factor. */
export const pendingLoginsSpec = {
  sorts: ["created", "expires", "username"],
  defaultSort: "created",
  defaultDir: "desc",
  filters: { status: ["pending", "setup", "completed", "locked", "expired"], recent: RECENT_CHOICES },
} as const satisfies ListSpec<string, string>;

export type PendingLoginsQuery = ListQuery<
  (typeof pendingLoginsSpec.sorts)[number],
  keyof typeof pendingLoginsSpec.filters
>;

export type PendingLoginStatus = "pending" | "setup" | "completed" | "locked" | "expired";

export type AdminPendingLoginRow = {
  id: string;
  userId: number;
  username: string;
  status: PendingLoginStatus;
  firstFactor: string;
  verifiedFactor: string | null;
  failedAttempts: number;
  ipAddress: string | null;
  userAgent: string;
  createdAt: Date;
  expiresAt: Date;
};

export function pendingLoginStatus(
  row: { consumedAt: Date | null; failedAttempts: number; expiresAt: Date; requiresSetup: boolean },
  now: Date,
): PendingLoginStatus {
  if (row.consumedAt) return "completed";
  if (row.failedAttempts >= MAX_FAILED_ATTEMPTS) return "locked";
  if (row.expiresAt <= now) return "expired";
  return row.requiresSetup ? "setup" : "pending";
}

function statusWhere(status: string, now: Date): Prisma.LoginSessionWhereInput | null {
  const open: Prisma.LoginSessionWhereInput = { consumedAt: null, failedAttempts: { lt: MAX_FAILED_ATTEMPTS } };
  switch (status) {
    case "completed":
      return { consumedAt: { not: null } };
    case "locked":
      return { consumedAt: null, failedAttempts: { gte: MAX_FAILED_ATTEMPTS } };
    case "expired":
      return { ...open, expiresAt: { lte: now } };
    case "pending":
      return { ...open, expiresAt: { gt: now }, requiresSetup: false };
    case "setup":
      return { ...open, expiresAt: { gt: now }, requiresSetup: true };
    default:
      return null;
  }
}

function where(query: PendingLoginsQuery, now: Date): Prisma.LoginSessionWhereInput {
  const and: Prisma.LoginSessionWhereInput[] = [];
  if (query.q) {
    and.push({
      OR: [
        { user: { username: { contains: query.q, mode: "insensitive" } } },
        { user: { email: { contains: query.q, mode: "insensitive" } } },
        { ipAddress: { startsWith: query.q } },
      ],
    });
  }
  const status = statusWhere(query.filters.status, now);
  if (status) and.push(status);
  const since = recentSince(query.filters.recent, now);
  if (since) and.push({ createdAt: { gte: since } });
  return { AND: and };
}

function orderBy(query: PendingLoginsQuery): Prisma.LoginSessionOrderByWithRelationInput[] {
  const dir = query.dir;
  switch (query.sort) {
    case "created":
      return [{ createdAt: dir }, { id: dir }];
    case "expires":
      return [{ expiresAt: dir }, { id: dir }];
    case "username":
      return [{ user: { username: dir } }, { createdAt: "desc" }];
  }
}

export async function listPendingLogins(
  query: PendingLoginsQuery,
  range = skipTake(query),
  now = new Date(),
): Promise<ListPage<AdminPendingLoginRow>> {
  const [rows, total] = await Promise.all([
    db.loginSession.findMany({
      where: where(query, now),
      orderBy: orderBy(query),
      select: {
        id: true,
        userId: true,
        firstFactor: true,
        requiresSetup: true,
        verifiedFactor: true,
        failedAttempts: true,
        consumedAt: true,
        ipAddress: true,
        userAgent: true,
        createdAt: true,
        expiresAt: true,
        user: { select: { username: true } },
      },
      ...range,
    }),
    db.loginSession.count({ where: where(query, now) }),
  ]);
  return pageOf(
    rows.map((r) => ({
      id: r.id,
      userId: r.userId,
      username: r.user.username,
      status: pendingLoginStatus(r, now),
      firstFactor: r.firstFactor,
      verifiedFactor: r.verifiedFactor,
      failedAttempts: r.failedAttempts,
      ipAddress: r.ipAddress,
      userAgent: r.userAgent,
      createdAt: r.createdAt,
      expiresAt: r.expiresAt,
    })),
    total,
    query,
  );
}

export const pendingLoginCsv: CsvColumn<AdminPendingLoginRow>[] = [
  { header: "id", value: (r) => r.id },
  { header: "user_id", value: (r) => r.userId },
  { header: "username", value: (r) => r.username },
  { header: "status", value: (r) => r.status },
  { header: "first_factor", value: (r) => r.firstFactor },
  { header: "verified_factor", value: (r) => r.verifiedFactor },
  { header: "failed_attempts", value: (r) => r.failedAttempts },
  { header: "ip_address", value: (r) => r.ipAddress },
  { header: "user_agent", value: (r) => r.userAgent },
  { header: "created_at", value: (r) => r.createdAt },
  { header: "expires_at", value: (r) => r.expiresAt },
];

/** "Expire selected sessions": open ones end now; used or already expired ones are left alone. */
export async function expirePendingLogins(
  actor: AccountActor,
  ids: string[],
  client: ClientInfo,
  now = new Date(),
): Promise<Result<number>> {
  if (ids.length === 0) return ok(0);
  const allowed = await authorize("staff.revoke_credentials", actor, {}, client, now);
  if (!allowed.ok) return allowed;
  const { count } = await db.loginSession.updateMany({
    where: { id: { in: ids }, consumedAt: null, expiresAt: { gt: now } },
    data: { expiresAt: now },
  });
  if (count > 0)
    await recordSecurityEvent({
      type: "admin.login_sessions_expired",
      userId: actor.userId,
      client,
      details: { count },
    });
  return ok(count);
}

/** "Delete expired sessions". */
export async function deleteExpiredPendingLoginsByAdmin(
  actor: AccountActor,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<number>> {
  const allowed = await authorize("staff.revoke_credentials", actor, {}, client, now);
  if (!allowed.ok) return allowed;
  const count = await deleteExpiredPendingLogins(db, now);
  if (count > 0)
    await recordSecurityEvent({
      type: "admin.login_sessions_deleted",
      userId: actor.userId,
      client,
      details: { count },
    });
  return ok(count);
}
