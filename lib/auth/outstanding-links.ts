import "server-only";
import type { DbClient } from "@/lib/db";
import { settings } from "@/lib/env";
import { randomToken, sha256Hex } from "./secrets";

/**
 * The links of an account that still work by themselves, without a session: pending e-mail
 * change confirmations and password reset links. Recovery (password reset or change, sign-out
 * everywhere, an admin 2FA reset, "This wasn't me") cancels all of them, so that a capability an
 * attacker obtained before the recovery — a reset link, or an e-mail change they asked for with
 * a stolen password — does not outlive it.
 */
export type CancelledLinks = { emailChanges: number; passwordResets: number };

/** Spends every unused link of the account, inside the caller's transaction when given. */
export async function cancelOutstandingLinks(client: DbClient, userId: number, now: Date): Promise<CancelledLinks> {
  const emailChanges = await client.emailChangeRequest.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
  const passwordResets = await client.passwordResetToken.updateMany({ where: { userId, usedAt: null }, data: { usedAt: now } });
  return { emailChanges: emailChanges.count, passwordResets: passwordResets.count };
}

/** A new password reset link's token (random, 256 bits; stored as SHA-256), valid LOKDOWN_PASSWORD_RESET_MINUTES. */
export async function createPasswordResetToken(client: DbClient, userId: number, now: Date): Promise<{ id: string; token: string }> {
  const token = randomToken(32);
  const row = await client.passwordResetToken.create({
    data: { userId, tokenHash: sha256Hex(token), createdAt: now, expiresAt: new Date(now.getTime() + settings.passwordResetMinutes * 60_000) },
    select: { id: true },
  });
  return { id: row.id, token };
}
