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
import { getFactorSummary } from "./factors";
import { notifyIfBackupCodesLow } from "./security-mail";

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
  if (!proof.password && !proof.totpToken) await notifyIfBackupCodesLow(db, who.userId, client, now);
  return ok(undefined);
}

/**
 * POST /api/auth/reauthenticate and the web step-up dialog: a proof is required, and refreshes
 * the session's step-up window. Returns when the window closes.
 */
export async function reauthenticate(
  who: { userId: number; username: string; sessionId: string },
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ validUntil: Date }>> {
  if (!hasStepUpProof(proof)) {
    const problem = "Send password, totp_token or backup_code.";
    return fail("validation_error", { message: `non_field_errors: ${problem}`, body: { non_field_errors: [problem] } });
  }
  const confirmed = await confirmStepUp(who, proof, client, now);
  if (!confirmed.ok) return confirmed;
  await recordSecurityEvent({ type: "reauth.succeeded", userId: who.userId, client, details: { session: who.sessionId } });
  return ok({ validUntil: new Date(now.getTime() + settings.stepUpMinutes * 60_000) });
}

/** Which proofs a user can give in the step-up dialog. */
export type StepUpMethods = { password: boolean; totp: boolean; backupCodes: boolean };

export async function getStepUpMethods(userId: number): Promise<StepUpMethods> {
  const [user, factors] = await Promise.all([db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } }), getFactorSummary(userId)]);
  const enrolled = factors.totp || factors.passkeys > 0;
  return { password: Boolean(user?.passwordHash), totp: factors.totp, backupCodes: enrolled && factors.backupCodesRemaining > 0 };
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
