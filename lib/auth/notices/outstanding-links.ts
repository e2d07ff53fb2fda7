import "server-only";
import type { DbClient } from "@/lib/db";
import { settings } from "@/lib/env";
import { randomToken, sha256Hex } from "../secrets";

/**
 * The links of an account that still work by themselves, without a session: pending e-mail
 * change confirmations and password reset links. Recovery (password reset or change, sign-out
 * everywhere, an admin 2FA reset, "This wasn't me") cancels all of them, so that a capability an
 * attacker obtained before the recovery — a reset link, or an e-mail change they asked for with
 * a stolen password — does not outlive it. It also stamps `users.links_revoked_at`: every
 * "This wasn't me" link issued before that instant stops working (security-mail.ts), so a link an
 * attacker kept, or one already followed whose mail row cleanup has since deleted, is refused.
 */
export type CancelledLinks = { emailChanges: number; passwordResets: number };

/** Spends every unused link of the account, inside the caller's transaction when given. */
export async function cancelOutstandingLinks(client: DbClient, userId: number, now: Date): Promise<CancelledLinks> {
  const emailChanges = await client.emailChangeRequest.updateMany({
    where: { userId, usedAt: null },
    data: { usedAt: now },
  });
  const passwordResets = await client.passwordResetToken.updateMany({
    where: { userId, usedAt: null },
    data: { usedAt: now },
  });
  // Only ever moves forward, so a recovery run with an older clock cannot revive links.
  await client.user.updateMany({
    where: { id: userId, OR: [{ linksRevokedAt: null }, { linksRevokedAt: { lt: now } }] },
    data: { linksRevokedAt: now },
  });
  return { emailChanges: emailChanges.count, passwordResets: passwordResets.count };
}

/** A new password reset link's token (random, 256 bits; stored as SHA-256), valid LOKDOWN_PASSWORD_RESET_MINUTES. */
export async function createPasswordResetToken(
  client: DbClient,
  userId: number,
  now: Date,
): Promise<{ id: string; token: string }> {
  const token = randomToken(32);
  const row = await client.passwordResetToken.create({
    data: {
      userId,
      tokenHash: sha256Hex(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + settings.passwordResetMinutes * 60_000),
    },
    select: { id: true },
  });
  return { id: row.id, token };
}

/**
 * Whether the account's address must not receive links that work without a session (reset and
 * confirmation links, asked for anonymously): a "This wasn't me" undo could not give back the
 * previous address (security-undo.ts), so the current one may be the intruder's, and it is not
 * confirmed since. Only that case: an unconfirmed address after an ordinary recovery still gets
 * them. The owner sets a password with the undo link's reset token and confirms an address of
 * theirs by an e-mail change.
 */
export function addressUntrustedAfterRecovery(user: {
  emailVerifiedAt: Date | null;
  emailUntrustedAt: Date | null;
}): boolean {
  return user.emailVerifiedAt === null && user.emailUntrustedAt !== null;
}
