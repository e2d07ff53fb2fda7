import "server-only";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { deliverNow, enqueueMail, runInBackground } from "@/lib/mail/outbox";
import { renderMail, type MailContent } from "@/lib/mail/templates";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { hashPassword } from "./password";
import { checkNewPassword } from "./change";
import { checkAttempt } from "../rate-limit";
import { sha256Hex } from "../secrets";
import {
  addressUntrustedAfterRecovery,
  cancelOutstandingLinks,
  createPasswordResetToken,
} from "../notices/outstanding-links";
import { notifySecurityEvent } from "../notices/security-mail";
import { revokeSessionsOf } from "../sessions/user-sessions";
import { revokeAllTrustedDevices } from "../login/trusted-devices";
import { siteName, siteOrigin } from "../site";

/**
 * Forgot password: a link with a random 256-bit token, stored as SHA-256, valid for
 * LOKDOWN_PASSWORD_RESET_MINUTES and usable once. Asking for one answers the same, at once, for
 * every address: the account lookup and the e-mail happen after the answer (runInBackground), so
 * neither the reply nor its timing says whether an account exists.
 */

/** How long a reset link works (LOKDOWN_PASSWORD_RESET_MINUTES), for the pages that say so. */
export function passwordResetMinutes(): number {
  return settings.passwordResetMinutes;
}

/** Links per account per hour; more requests are dropped silently (mail bombing). */
export const MAX_RESET_LINKS_PER_HOUR = 5;

const TOKEN = /^[\w-]{43}$/;
/** What could be an address worth looking up: no control characters or broken UTF-16 (PostgreSQL refuses NUL). */
const LOOKUP_SAFE = /^[^\p{Cc}\ud800-\udfff]{3,254}$/u;

export async function requestPasswordReset(email: string, client: ClientInfo, now = new Date()): Promise<Result<void>> {
  const limited = await checkAttempt("password_reset", { ip: client.ip }, now);
  if (!limited.ok) return limited;
  const address = email.trim().toLowerCase();
  if (LOOKUP_SAFE.test(address)) runInBackground(() => sendPasswordResetLink(address, client, now));
  return ok(undefined);
}

function resetMail(username: string, url: string | null): MailContent {
  const origin = siteOrigin();
  return renderMail({
    site: siteName(),
    headline: "Reset your password",
    greeting: `Hi ${username},`,
    paragraphs: [
      `Someone asked to reset the password of ${username}. The link works once, for ${settings.passwordResetMinutes} minutes.`,
      "If it wasn't you, ignore this e-mail: your password stays as it is. Two-factor authentication still applies after a reset.",
    ],
    action: {
      label: "Choose a new password",
      url: url ?? `${origin}/reset-password (link removed from the stored copy)`,
    },
    footer: `${siteName()} · ${origin}`,
  });
}

async function sendPasswordResetLink(address: string, client: ClientInfo, now: Date): Promise<void> {
  const user = await db.user.findUnique({
    where: { email: address },
    select: { id: true, username: true, email: true, isActive: true, emailVerifiedAt: true, emailUntrustedAt: true },
  });
  if (!user?.isActive) {
    await recordSecurityEvent({ type: "password.reset_requested", client, details: { account_found: false } });
    return;
  }
  if (addressUntrustedAfterRecovery(user)) {
    await recordSecurityEvent({
      type: "password.reset_requested",
      userId: user.id,
      client,
      details: { account_found: true, sent: false, address_untrusted: true },
    });
    return;
  }
  const redacted = resetMail(user.username, null);
  const dedupeKey = await db.$transaction(async (tx) => {
    // The user row lock serialises concurrent requests, so the hourly cap holds under a burst.
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${user.id} FOR UPDATE`;
    const recent = await tx.passwordResetToken.count({
      where: { userId: user.id, createdAt: { gt: new Date(now.getTime() - 3_600_000) } },
    });
    if (recent >= MAX_RESET_LINKS_PER_HOUR) {
      await recordSecurityEvent(
        { type: "password.reset_requested", userId: user.id, client, details: { account_found: true, sent: false } },
        tx,
      );
      return null;
    }
    const row = await createPasswordResetToken(tx, user.id, now);
    const full = resetMail(user.username, `${siteOrigin()}/reset-password?token=${row.token}`);
    await recordSecurityEvent(
      { type: "password.reset_requested", userId: user.id, client, details: { account_found: true, sent: true } },
      tx,
    );
    const key = `password_reset_link:${user.id}:${row.id}`;
    await enqueueMail(
      tx,
      { dedupeKey: key, to: user.email, ...full, redacted: { text: redacted.text, html: redacted.html } },
      now,
    );
    return key;
  });
  if (dedupeKey) await deliverNow(dedupeKey);
}

type UsableToken = { id: string; userId: number; username: string };

async function findUsableToken(token: string, now: Date): Promise<UsableToken | null> {
  if (!TOKEN.test(token)) return null;
  const row = await db.passwordResetToken.findUnique({
    where: { tokenHash: sha256Hex(token) },
    select: { id: true, usedAt: true, expiresAt: true, user: { select: { id: true, username: true, isActive: true } } },
  });
  if (!row || row.usedAt || row.expiresAt <= now || !row.user.isActive) return null;
  return { id: row.id, userId: row.user.id, username: row.user.username };
}

/** Whether a reset link can still be used, and for whom (the page shows the form or says it expired). */
export async function describePasswordReset(token: string, now = new Date()): Promise<{ username: string } | null> {
  const found = await findUsableToken(token, now);
  return found ? { username: found.username } : null;
}

/**
 * Sets a new password from a reset link. The token is spent by a conditional update, so of two
 * concurrent uses one wins. A reset is recovery: every session and trusted browser of the account
 * ends, every API key is revoked (whoever knew the old password may have made one), and every
 * other outstanding link (reset links, pending e-mail changes) is cancelled. No session is started
 * (the user signs in again, second factor included).
 */
export async function resetPassword(
  token: string,
  newPassword: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ username: string }>> {
  const limited = await checkAttempt("password_reset", { ip: client.ip }, now);
  if (!limited.ok) return limited;
  const found = await findUsableToken(token, now);
  if (!found) return fail("invalid_reset_token");
  const weak = checkNewPassword(newPassword, found.username);
  if (!weak.ok) return weak;
  const passwordHash = await hashPassword(newPassword);
  return db.$transaction(async (tx): Promise<Result<{ username: string }>> => {
    const spent = await tx.passwordResetToken.updateMany({
      where: { id: found.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (spent.count !== 1) return fail("invalid_reset_token");
    await tx.user.update({ where: { id: found.userId }, data: { passwordHash } });
    const links = await cancelOutstandingLinks(tx, found.userId, now);
    const { count } = await revokeSessionsOf(tx, found.userId, null, "password_reset", now);
    const devices = await revokeAllTrustedDevices(tx, found.userId, now);
    const keys = await tx.apiKey.updateMany({
      where: { userId: found.userId, revokedAt: null },
      data: { revokedAt: now },
    });
    const eventId = await recordSecurityEvent(
      {
        type: "password.reset",
        userId: found.userId,
        client,
        details: {
          sessions_ended: count,
          trusted_devices: devices,
          api_keys_revoked: keys.count,
          email_changes_cancelled: links.emailChanges,
        },
      },
      tx,
    );
    await notifySecurityEvent(
      {
        kind: "password_changed",
        via: "reset",
        apiKeysRevoked: keys.count,
        userId: found.userId,
        ref: eventId,
        client,
        now,
      },
      tx,
    );
    return ok({ username: found.username });
  });
}
