import "server-only";
import { db, queryRows, type DbClient } from "@/lib/db";

export type FactorSummary = { totp: boolean; passkeys: number; backupCodesRemaining: number };

/**
 * What second factors a user has. Backup codes alone do not count as 2FA. One statement (every
 * sign-in asks), whether `client` is the pool or a transaction.
 */
export async function getFactorSummary(userId: number, client: DbClient = db): Promise<FactorSummary> {
  const [row] = await queryRows<{ totp: boolean; passkeys: number; backup_codes: number }>(
    client,
    `SELECT EXISTS (SELECT 1 FROM totp_devices WHERE user_id = $1::int AND secret_encrypted IS NOT NULL) AS totp,
            (SELECT COUNT(*) FROM passkey_credentials WHERE user_id = $1::int)::int AS passkeys,
            (SELECT COUNT(*) FROM backup_codes WHERE user_id = $1::int AND used_at IS NULL)::int AS backup_codes`,
    [userId],
  );
  return { totp: row?.totp ?? false, passkeys: row?.passkeys ?? 0, backupCodesRemaining: row?.backup_codes ?? 0 };
}

export function hasSecondFactor(factors: FactorSummary): boolean {
  return factors.totp || factors.passkeys > 0;
}

/**
 * Whether removing a passkey would leave the user without a second factor they must keep (staff
 * under ADMIN_2FA_REQUIRED): they have no authenticator app and at most this one passkey.
 */
export function isLastRequiredPasskey(
  mustKeepTwoFactor: boolean,
  factors: Pick<FactorSummary, "totp" | "passkeys">,
): boolean {
  return mustKeepTwoFactor && !factors.totp && factors.passkeys <= 1;
}
