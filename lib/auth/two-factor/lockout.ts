import "server-only";
import type { Tx } from "@/lib/db";
import { settings } from "@/lib/env";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { notifySecurityEvent } from "../notices/security-mail";

/**
 * The account-wide cap on second-factor guesses (NIST SP 800-63B-4 §3.2.2: at most 100
 * consecutive failures per account). Per-address limits alone let an attacker who has the
 * password spread guesses over many addresses; this counter ignores the address. It counts only
 * at the second step, after a correct first factor, so someone without the password cannot lock
 * the owner out. Codes (TOTP, backup codes) count and are refused once locked; a passkey cannot be
 * guessed, so it neither counts nor is refused, and any success resets the count.
 */

/** Pure: does this many consecutive failures lock the account? */
export function reachesSecondFactorLockout(
  failures: number,
  cap: number = settings.secondFactorLockoutAttempts,
): boolean {
  return failures >= cap;
}

export async function isSecondFactorLocked(tx: Tx, userId: number): Promise<boolean> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { secondFactorLockedAt: true } });
  return user?.secondFactorLockedAt != null;
}

/**
 * Counts one wrong code, atomically (concurrent guesses from many addresses each count). The
 * attempt that reaches the cap locks the account, logs it and mails the owner, once.
 */
export async function countSecondFactorFailure(
  tx: Tx,
  userId: number,
  client: ClientInfo,
  now: Date,
): Promise<{ locked: boolean }> {
  const rows = await tx.$queryRaw<{ failures: number; was_locked: boolean }[]>`
    WITH before AS (SELECT second_factor_locked_at IS NOT NULL AS was_locked FROM users WHERE id = ${userId} FOR UPDATE)
    UPDATE users SET second_factor_failures = second_factor_failures + 1
    WHERE id = ${userId}
    RETURNING second_factor_failures AS failures, (SELECT was_locked FROM before) AS was_locked`;
  const row = rows[0];
  if (!row) return { locked: false };
  if (row.was_locked) return { locked: true };
  if (!reachesSecondFactorLockout(Number(row.failures))) return { locked: false };
  await tx.user.update({ where: { id: userId }, data: { secondFactorLockedAt: now } });
  await recordSecurityEvent(
    { type: "login.2fa_account_locked", userId, client, details: { failures: Number(row.failures) } },
    tx,
  );
  await notifySecurityEvent(
    { kind: "second_factor_locked", failures: Number(row.failures), userId, ref: String(now.getTime()), client, now },
    tx,
  );
  return { locked: true };
}

/** A second factor succeeded: the consecutive count starts again. */
export async function clearSecondFactorFailures(tx: Tx, userId: number): Promise<void> {
  await tx.user.updateMany({
    where: { id: userId, secondFactorFailures: { gt: 0 } },
    data: { secondFactorFailures: 0 },
  });
}
