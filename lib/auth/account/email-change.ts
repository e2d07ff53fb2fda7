import "server-only";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { deliverNow, enqueueMail } from "@/lib/mail/outbox";
import { renderMail, type MailContent } from "@/lib/mail/templates";
import { fail, ok, type Result } from "../errors";
import type { AccountActor } from "../two-factor/account-security";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { randomToken, sha256Hex } from "../secrets";
import { notifySecurityEvent } from "../notices/security-mail";
import { isIdle } from "../sessions/liveness";
import { siteName, siteOrigin } from "../site";
import { authorize, type StepUpProof } from "../policy/step-up";

/**
 * Changing the e-mail address: after step-up, a single-use link (random token, stored as SHA-256,
 * valid LOKDOWN_EMAIL_CHANGE_HOURS) goes to the new address; the address changes only when it is
 * opened. Then the old address is told, with a "this wasn't me" link.
 *
 * A request is bound to the session that made it: once that session ends (sign-out, "sign out
 * everywhere", a password reset, expiry or idleness) its link stops working, so an intruder who
 * asked for a change with a stolen password loses it when the owner recovers the account.
 */

// No whitespace or control characters (PostgreSQL text cannot hold NUL either).
const EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const TOKEN = /^[\w-]{43}$/;
/** Confirmation e-mails per account per hour: the new address is anyone's, so do not let it be bombed. */
export const MAX_EMAIL_CHANGES_PER_HOUR = 5;

/** How long a confirmation link works (LOKDOWN_EMAIL_CHANGE_HOURS), for the pages that say so. */
export function emailChangeHours(): number {
  return settings.emailChangeHours;
}

const emailField = (message: string) =>
  fail("validation_error", { message: `email: ${message}`, body: { email: [message] } });

function confirmationMail(username: string, newEmail: string, url: string | null): MailContent {
  const origin = siteOrigin();
  return renderMail({
    site: siteName(),
    headline: "Confirm your new e-mail address",
    greeting: `Hi ${username},`,
    paragraphs: [
      `Confirm that ${newEmail} should become the e-mail address of ${username}. The link works once, for ${settings.emailChangeHours} hours.`,
      "If you did not ask for this, ignore this e-mail: nothing changes.",
    ],
    action: {
      label: "Confirm this address",
      url: url ?? `${origin}/account/profile/confirm-email (link removed from the stored copy)`,
    },
    footer: `${siteName()} · ${origin}`,
  });
}

/** Asks for a change: sends the confirmation link to the new address. Earlier pending requests stop working. */
export async function requestEmailChange(
  actor: AccountActor,
  rawEmail: string,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ newEmail: string; expiresAt: Date }>> {
  const newEmail = rawEmail.trim().toLowerCase();
  if (!EMAIL.test(newEmail) || LONE_SURROGATE.test(newEmail) || newEmail.length > 254)
    return emailField("Enter a valid email address.");
  const user = await db.user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: { email: true, username: true },
  });
  if (user.email === newEmail) return fail("same_email", { body: { email: ["That is already your email address."] } });
  if (await db.user.count({ where: { email: newEmail } }))
    return fail("email_taken", { body: { email: ["A user with that email already exists."] } });
  const recentSince = new Date(now.getTime() - 3_600_000);
  if (
    (await db.emailChangeRequest.count({ where: { userId: actor.userId, createdAt: { gt: recentSince } } })) >=
    MAX_EMAIL_CHANGES_PER_HOUR
  ) {
    return fail("rate_limited", { retryAfter: 3600 });
  }
  const stepUp = await authorize("email.change", actor, proof, client, now);
  if (!stepUp.ok) return stepUp;

  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + settings.emailChangeHours * 3_600_000);
  const full = confirmationMail(
    user.username,
    newEmail,
    `${siteOrigin()}/account/profile/confirm-email?token=${token}`,
  );
  const redacted = confirmationMail(user.username, newEmail, null);
  const dedupeKey = await db.$transaction(async (tx): Promise<string | null> => {
    // Checked again under the user row lock: concurrent requests cannot together pass the cap.
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${actor.userId} FOR UPDATE`;
    if (
      (await tx.emailChangeRequest.count({ where: { userId: actor.userId, createdAt: { gt: recentSince } } })) >=
      MAX_EMAIL_CHANGES_PER_HOUR
    )
      return null;
    await tx.emailChangeRequest.updateMany({ where: { userId: actor.userId, usedAt: null }, data: { usedAt: now } });
    const row = await tx.emailChangeRequest.create({
      data: {
        userId: actor.userId,
        newEmail,
        sessionId: actor.sessionId,
        tokenHash: sha256Hex(token),
        createdAt: now,
        expiresAt,
      },
      select: { id: true },
    });
    await recordSecurityEvent(
      { type: "email.change_requested", userId: actor.userId, client, details: { request: row.id } },
      tx,
    );
    const key = `email_change_confirm:${actor.userId}:${row.id}`;
    await enqueueMail(
      tx,
      { dedupeKey: key, to: newEmail, ...full, redacted: { text: redacted.text, html: redacted.html } },
      now,
    );
    return key;
  });
  if (!dedupeKey) return fail("rate_limited", { retryAfter: 3600 });
  await deliverNow(dedupeKey);
  return ok({ newEmail, expiresAt });
}

export type PendingEmailChange = { newEmail: string; expiresAt: Date };

export async function getPendingEmailChange(userId: number, now = new Date()): Promise<PendingEmailChange | null> {
  const row = await db.emailChangeRequest.findFirst({
    where: { userId, usedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { newEmail: true, expiresAt: true },
  });
  return row;
}

/** Withdraws a pending change: its link stops working. */
export async function cancelEmailChange(userId: number, now = new Date()): Promise<void> {
  await db.emailChangeRequest.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
}

type UsableRequest = { id: string; userId: number; username: string; newEmail: string; sessionId: string };

/** Whether the session that asked for a change still signs its holder in (not revoked, expired or idle). */
function sessionLive(
  session: { userId: number; revokedAt: Date | null; expiresAt: Date; lastSeenAt: Date } | null,
  userId: number,
  now: Date,
): boolean {
  return (
    session !== null &&
    session.userId === userId &&
    !session.revokedAt &&
    session.expiresAt > now &&
    !isIdle(session.lastSeenAt, now)
  );
}

async function findUsableRequest(token: string, now: Date): Promise<Result<UsableRequest>> {
  if (!TOKEN.test(token)) return fail("invalid_email_change_token");
  const row = await db.emailChangeRequest.findUnique({
    where: { tokenHash: sha256Hex(token) },
    select: {
      id: true,
      newEmail: true,
      usedAt: true,
      expiresAt: true,
      user: { select: { id: true, username: true, isActive: true } },
      session: { select: { id: true, userId: true, revokedAt: true, expiresAt: true, lastSeenAt: true } },
    },
  });
  if (!row || row.usedAt || row.expiresAt <= now || !row.user.isActive) return fail("invalid_email_change_token");
  if (!row.session || !sessionLive(row.session, row.user.id, now)) return fail("email_change_session_ended");
  return ok({
    id: row.id,
    userId: row.user.id,
    username: row.user.username,
    newEmail: row.newEmail,
    sessionId: row.session.id,
  });
}

export type EmailChangeView = { username: string; newEmail: string } | { sessionEnded: true };

/** For the confirmation page: what the link would change, whether its session ended, or null when it cannot be used. */
export async function describeEmailChange(token: string, now = new Date()): Promise<EmailChangeView | null> {
  const found = await findUsableRequest(token, now);
  if (found.ok) return { username: found.value.username, newEmail: found.value.newEmail };
  return found.code === "email_change_session_ended" ? { sessionEnded: true } : null;
}

/**
 * Opens the link: the token is spent by a conditional update (single use under concurrency) and
 * the address changes in the same transaction; the database's unique index settles a race for
 * the address with a sign-up. The requesting session must still be live, checked again under its
 * row lock so that a concurrent sign-out wins. Unused password reset links (sent to the old
 * address) stop working.
 */
export async function confirmEmailChange(
  token: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ username: string; email: string }>> {
  const usable = await findUsableRequest(token, now);
  if (!usable.ok) return usable;
  const found = usable.value;
  try {
    return await db.$transaction(async (tx): Promise<Result<{ username: string; email: string }>> => {
      const [session] = await tx.$queryRaw<
        { user_id: number; revoked_at: Date | null; expires_at: Date; last_seen_at: Date }[]
      >`
        SELECT user_id, revoked_at, expires_at, last_seen_at FROM auth_sessions WHERE id = ${found.sessionId}::uuid FOR UPDATE`;
      const live = session
        ? {
            userId: session.user_id,
            revokedAt: session.revoked_at,
            expiresAt: session.expires_at,
            lastSeenAt: session.last_seen_at,
          }
        : null;
      if (!sessionLive(live, found.userId, now)) return fail("email_change_session_ended");
      const spent = await tx.emailChangeRequest.updateMany({
        where: { id: found.id, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (spent.count !== 1) return fail("invalid_email_change_token");
      const before = await tx.user.findUniqueOrThrow({ where: { id: found.userId }, select: { email: true } });
      // Opening the link sent to the new address proves control of it.
      await tx.user.update({
        where: { id: found.userId },
        data: { email: found.newEmail, emailVerifiedAt: now, emailUntrustedAt: null },
      });
      await tx.passwordResetToken.updateMany({ where: { userId: found.userId, usedAt: null }, data: { usedAt: now } });
      const eventId = await recordSecurityEvent(
        { type: "email.changed", userId: found.userId, client, details: { request: found.id } },
        tx,
      );
      await notifySecurityEvent(
        {
          kind: "email_changed",
          previousEmail: before.email,
          newEmail: found.newEmail,
          userId: found.userId,
          ref: eventId,
          client,
          now,
        },
        tx,
      );
      return ok({ username: found.username, email: found.newEmail });
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return fail("email_taken");
    throw error;
  }
}
