import "server-only";
import { db, type DbClient } from "@/lib/db";

export type FactorSummary = { totp: boolean; passkeys: number; backupCodesRemaining: number };

/** What second factors a user has. Backup codes alone do not count as 2FA. */
export async function getFactorSummary(userId: number, client: DbClient = db): Promise<FactorSummary> {
  const [totp, passkeys, backupCodesRemaining] = await Promise.all([
    client.totpDevice.count({ where: { userId, secretEncrypted: { not: null } } }),
    client.passkeyCredential.count({ where: { userId } }),
    client.backupCode.count({ where: { userId, usedAt: null } }),
  ]);
  return { totp: totp > 0, passkeys, backupCodesRemaining };
}

export function hasSecondFactor(factors: FactorSummary): boolean {
  return factors.totp || factors.passkeys > 0;
}

/**
 * Whether removing a passkey would leave the user without a second factor they must keep (staff
 * under ADMIN_2FA_REQUIRED): they have no authenticator app and at most this one passkey.
 */
export function isLastRequiredPasskey(mustKeepTwoFactor: boolean, factors: Pick<FactorSummary, "totp" | "passkeys">): boolean {
  return mustKeepTwoFactor && !factors.totp && factors.passkeys <= 1;
}
