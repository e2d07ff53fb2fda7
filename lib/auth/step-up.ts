import "server-only";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "./errors";
import type { ClientInfo } from "./client";
import { recordSecurityEvent } from "./audit";
import { verifyPassword } from "./password";
import { verifyAndConsumeTotp } from "./totp";
import { consumeBackupCode } from "./backup-codes";
import { checkAttempt, clearFailedAttempts, recordFailedAttempt } from "./rate-limit";

/** What a client may send to re-prove who it is before a sensitive action. */
export type StepUpProof = { password?: string; totpToken?: string; backupCode?: string };

export const hasStepUpProof = (proof: StepUpProof): boolean => Boolean(proof.password || proof.totpToken || proof.backupCode);

/**
 * Sensitive actions (disable 2FA, remove a factor, regenerate backup codes, create an API key)
 * need a session that proved the password or a factor within LOKDOWN_STEP_UP_MINUTES, or a proof
 * sent with the request — which then refreshes the session's window.
 */
export async function confirmStepUp(
  who: { userId: number; username: string; sessionId: string },
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  if (!hasStepUpProof(proof)) {
    const session = await db.authSession.findUnique({ where: { id: who.sessionId }, select: { reauthAt: true } });
    const fresh = session && now.getTime() - session.reauthAt.getTime() <= settings.stepUpMinutes * 60_000;
    return fresh ? ok(undefined) : fail("reauth_required");
  }
  const limited = await checkAttempt("reauth", { ip: client.ip, account: who.username }, now);
  if (!limited.ok) return limited;
  if (!(await checkProof(who.userId, proof, now))) {
    await recordFailedAttempt("reauth", { ip: client.ip, account: who.username }, now);
    await recordSecurityEvent({ type: "reauth.failed", userId: who.userId, client });
    return fail("invalid_reauth");
  }
  await clearFailedAttempts("reauth", { ip: client.ip, account: who.username });
  await db.authSession.update({ where: { id: who.sessionId }, data: { reauthAt: now } });
  return ok(undefined);
}

async function checkProof(userId: number, proof: StepUpProof, now: Date): Promise<boolean> {
  if (proof.password) {
    const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
    return Boolean(user?.passwordHash) && (await verifyPassword(proof.password, user?.passwordHash ?? ""));
  }
  if (proof.totpToken) return verifyAndConsumeTotp(db, userId, proof.totpToken, now);
  if (proof.backupCode) return consumeBackupCode(db, userId, proof.backupCode, now);
  return false;
}
