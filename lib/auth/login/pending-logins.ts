import "server-only";
import type { DbClient, Tx } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";

/** A pending login dies after this many wrong codes; the user starts again with the password. */
export const MAX_FAILED_ATTEMPTS = 5;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const isSessionId = (value: string): boolean => UUID.test(value);

export type FirstFactor = "password" | "oauth";

/**
 * Pending logins one account may hold at once: a person has one or two open, a script many. Room
 * is left for a household or office signing in to a shared account from several browsers at once.
 */
export const MAX_PENDING_LOGINS_PER_USER = 25;

/**
 * Keeps an account's pending logins bounded (issue 18.3): drops its dead ones, and the oldest live
 * ones beyond the cap. Only someone who passed the first factor makes these rows.
 */
async function boundPendingLogins(client: DbClient, userId: number, now: Date): Promise<void> {
  await client.loginSession.deleteMany({ where: { userId, expiresAt: { lt: now } } });
  const live = await client.loginSession.findMany({
    where: { userId, consumedAt: null },
    orderBy: { createdAt: "desc" },
    skip: MAX_PENDING_LOGINS_PER_USER - 1,
    select: { id: true },
  });
  if (live.length > 0) await client.loginSession.deleteMany({ where: { id: { in: live.map((row) => row.id) } } });
}

export async function createPendingLogin(
  client: DbClient,
  input: { userId: number; firstFactor: FirstFactor; requiresSetup: boolean; clientInfo: ClientInfo },
  now = new Date(),
): Promise<string> {
  await boundPendingLogins(client, input.userId, now);
  const session = await client.loginSession.create({
    data: {
      userId: input.userId,
      firstFactor: input.firstFactor,
      requiresSetup: input.requiresSetup,
      ipAddress: input.clientInfo.ip,
      userAgent: input.clientInfo.userAgent,
      createdAt: now,
      expiresAt: new Date(now.getTime() + settings.loginSessionMinutes * 60_000),
    },
    select: { id: true },
  });
  return session.id;
}

export type PendingLogin = {
  id: string;
  userId: number;
  username: string;
  isStaff: boolean;
  firstFactor: FirstFactor;
  requiresSetup: boolean;
};

type Row = {
  id: string;
  user_id: number;
  first_factor: string;
  requires_setup: boolean;
  ip_address: string | null;
  user_agent: string;
  failed_attempts: number;
  consumed_at: Date | null;
  expires_at: Date;
  username: string;
  is_staff: boolean;
  is_active: boolean;
};

/**
 * Loads a pending login and locks its row until the transaction ends, so that of several
 * concurrent verifications exactly one can consume it. Sessions are bound to the IP and user agent
 * that started them; a mismatch reads as "invalid" so it reveals nothing.
 */
export async function lockPendingLogin(
  tx: Tx,
  sessionId: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<PendingLogin>> {
  if (!isSessionId(sessionId)) return fail("invalid_session");
  const rows = await tx.$queryRaw<Row[]>`
    SELECT s.id, s.user_id, s.first_factor, s.requires_setup, s.ip_address, s.user_agent, s.failed_attempts,
           s.consumed_at, s.expires_at, u.username, u.is_staff, u.is_active
    FROM login_sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id = ${sessionId}::uuid
    FOR UPDATE OF s`;
  const row = rows[0];
  if (!row || row.expires_at <= now || !row.is_active) return fail("invalid_session");
  if (row.consumed_at) return fail("session_used");
  if (row.failed_attempts >= MAX_FAILED_ATTEMPTS) return fail("invalid_session");
  if (row.ip_address !== client.ip || row.user_agent !== client.userAgent) return fail("invalid_session");
  return ok({
    id: row.id,
    userId: row.user_id,
    username: row.username,
    isStaff: row.is_staff,
    firstFactor: row.first_factor === "oauth" ? "oauth" : "password",
    requiresSetup: row.requires_setup,
  });
}

/** Counts a wrong code; returns true when this failure used up the session's attempts. */
export async function countFailedCode(tx: Tx, sessionId: string): Promise<boolean> {
  const updated = await tx.loginSession.update({
    where: { id: sessionId },
    data: { failedAttempts: { increment: 1 } },
    select: { failedAttempts: true },
  });
  return updated.failedAttempts >= MAX_FAILED_ATTEMPTS;
}

/** Completes a pending login: its second step (or first-login enrollment) passed, a sign-in happened. */
export async function consumePendingLogin(
  tx: Tx,
  login: PendingLogin,
  verifiedFactor: string,
  client: ClientInfo,
  now = new Date(),
): Promise<void> {
  await tx.loginSession.update({ where: { id: login.id }, data: { consumedAt: now, verifiedFactor } });
  await recordSecurityEvent(
    {
      type: "login.succeeded",
      userId: login.userId,
      client,
      details: { method: login.firstFactor, second_factor: verifiedFactor, login_session: login.id },
    },
    tx,
  );
}

export async function deleteExpiredPendingLogins(client: DbClient, now = new Date()): Promise<number> {
  const { count } = await client.loginSession.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
