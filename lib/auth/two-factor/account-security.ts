import "server-only";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { getFactorSummary, hasSecondFactor, isLastRequiredPasskey } from "./factor-summary";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { checkAttempt, clearFailedAttempts, recordFailedAttempt } from "../rate-limit";
import { regenerateBackupCodes } from "./backup-codes";
import { authorize, type StepUpProof } from "../policy/step-up";
import { beginTotpSetup, confirmTotpSetup, type TotpSetup } from "./totp";
import { disableTwoFactor } from "./status";
import { notifySecurityEvent } from "../notices/security-mail";

/** The signed-in caller of an account-security action (API principal or web user). */
export type AccountActor = { userId: number; username: string; isStaff: boolean; sessionId: string };

/** Starts TOTP enrollment: asked of the policy first, so the dialog steps up before the QR code shows. */
export async function beginTotpEnrollment(
  actor: AccountActor,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<TotpSetup>> {
  // Answers that change nothing and reveal nothing come before the policy, so they read the same for everyone.
  const early = await checkTotpAddable(actor.userId);
  if (!early.ok) return early;
  const allowed = await authorize("totp.add", actor, proof, client, now);
  if (!allowed.ok) return allowed;
  return beginTotpSetup(actor.userId, now);
}

/**
 * Finishes TOTP enrollment (policy "totp.add": a fresh second factor when the account has one,
 * else a fresh password). Rate-limited and logged like every other code check. Unused
 * backup codes are kept; `backupCodes` is empty then.
 */
export async function enableTotp(
  actor: AccountActor,
  token: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ backupCodes: string[] }>> {
  const early = await checkTotpAddable(actor.userId);
  if (!early.ok) return early;
  const allowed = await authorize("totp.add", actor, {}, client, now);
  if (!allowed.ok) return allowed;
  const who = { ip: client.ip, account: actor.username };
  const limited = await checkAttempt("totp", who, now);
  if (!limited.ok) return limited;
  const result = await confirmTotpSetup(actor.userId, token, now);
  if (result.ok) {
    await clearFailedAttempts("totp", who);
    const eventId = await recordSecurityEvent({ type: "totp.enabled", userId: actor.userId, client });
    const hadPasskeys = (await getFactorSummary(actor.userId)).passkeys > 0;
    await notifySecurityEvent({
      kind: hadPasskeys ? "factor_added" : "two_factor_enabled",
      method: "totp",
      userId: actor.userId,
      ref: eventId,
      client,
      now,
    });
  } else if (result.code === "invalid_totp") {
    await recordFailedAttempt("totp", who, now);
    await recordSecurityEvent({ type: "totp.failed", userId: actor.userId, client, details: { during: "setup" } });
  }
  return result;
}

/** TOTP switched off, or already enabled: the same answers as before step-up existed (totp.ts checks again). */
async function checkTotpAddable(userId: number): Promise<Result<void>> {
  if (!settings.totpEnabled) return fail("totp_disabled");
  const device = await db.totpDevice.findUnique({ where: { userId }, select: { secretEncrypted: true } });
  return device?.secretEncrypted ? fail("totp_already_enabled") : ok(undefined);
}

export async function disableTwoFactorWithStepUp(
  actor: AccountActor,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  if (actor.isStaff && settings.admin2faRequired) return fail("twofa_required_for_staff");
  const stepUp = await authorize("two_factor.disable", actor, proof, client, now);
  if (!stepUp.ok) return stepUp;
  return disableTwoFactor(actor, client);
}

export async function regenerateBackupCodesWithStepUp(
  actor: AccountActor,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<string[]>> {
  const stepUp = await authorize("backup_codes.regenerate", actor, proof, client, now);
  if (!stepUp.ok) return stepUp;
  const codes = await regenerateBackupCodes(actor.userId);
  if (codes.ok) {
    const eventId = await recordSecurityEvent({ type: "backup_codes.regenerated", userId: actor.userId, client });
    await notifySecurityEvent({ kind: "backup_codes_regenerated", userId: actor.userId, ref: eventId, client });
  }
  return codes.ok ? ok(codes.value) : codes;
}

export type SecurityOverview = {
  enabled: boolean;
  totp: boolean;
  totpSince: Date | null;
  totpAvailable: boolean;
  passkeys: number;
  passkeyAvailable: boolean;
  backupCodesRemaining: number;
  hasPassword: boolean;
  /** Staff under ADMIN_2FA_REQUIRED cannot turn 2FA off. */
  mustKeepTwoFactor: boolean;
  /** Their only passkey is their only factor, so it cannot be removed (removeUserPasskey refuses). */
  lastPasskeyLocked: boolean;
};

/** Everything the account security page shows, in one read. */
export async function getSecurityOverview(userId: number): Promise<SecurityOverview> {
  const [user, factors] = await Promise.all([
    db.user.findUniqueOrThrow({
      where: { id: userId },
      select: { isStaff: true, passwordHash: true, totpDevice: { select: { confirmedAt: true } } },
    }),
    getFactorSummary(userId),
  ]);
  const mustKeepTwoFactor = user.isStaff && settings.admin2faRequired;
  return {
    enabled: hasSecondFactor(factors),
    totp: factors.totp,
    totpSince: factors.totp ? (user.totpDevice?.confirmedAt ?? null) : null,
    totpAvailable: settings.totpEnabled,
    passkeys: factors.passkeys,
    passkeyAvailable: settings.passkeyEnabled,
    backupCodesRemaining: factors.backupCodesRemaining,
    hasPassword: user.passwordHash !== null,
    mustKeepTwoFactor,
    lastPasskeyLocked: factors.passkeys === 1 && isLastRequiredPasskey(mustKeepTwoFactor, factors),
  };
}
