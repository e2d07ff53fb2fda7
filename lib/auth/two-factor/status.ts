import "server-only";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { getFactorSummary, hasSecondFactor } from "./factor-summary";
import { notifySecurityEvent } from "../notices/security-mail";

export type TwoFactorStatus = {
  is_enabled: boolean;
  totp_enabled: boolean;
  passkey_enabled: boolean;
  totp_available: boolean;
  passkey_available: boolean;
  backup_codes_remaining: number;
};

/** django-lokdown's /2fa/status payload plus the remaining backup-code count. Reads only. */
export async function getTwoFactorStatus(userId: number): Promise<TwoFactorStatus> {
  const factors = await getFactorSummary(userId);
  return {
    is_enabled: hasSecondFactor(factors),
    totp_enabled: factors.totp,
    passkey_enabled: factors.passkeys > 0,
    totp_available: settings.totpEnabled,
    passkey_available: settings.passkeyEnabled,
    backup_codes_remaining: hasSecondFactor(factors) ? factors.backupCodesRemaining : 0,
  };
}

/** Removes every factor and backup code at once. The caller has checked step-up. */
export async function disableTwoFactor(
  user: { userId: number; isStaff: boolean },
  client: ClientInfo,
): Promise<Result<void>> {
  if (user.isStaff && settings.admin2faRequired) return fail("twofa_required_for_staff");
  await db.$transaction([
    db.totpDevice.deleteMany({ where: { userId: user.userId } }),
    db.passkeyCredential.deleteMany({ where: { userId: user.userId } }),
    db.backupCode.deleteMany({ where: { userId: user.userId } }),
    db.webAuthnChallenge.deleteMany({ where: { userId: user.userId } }),
  ]);
  const eventId = await recordSecurityEvent({ type: "2fa.disabled", userId: user.userId, client });
  await notifySecurityEvent({ kind: "two_factor_disabled", userId: user.userId, ref: eventId, client });
  return ok(undefined);
}
