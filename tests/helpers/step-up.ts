import { db } from "@/lib/db";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";

type SessionFilter = NonNullable<Parameters<typeof db.authSession.findMany>[0]>["where"];

/**
 * Makes every proof of the matching sessions as old as `at` (the factor times the policy reads, and
 * reauthAt), keeping which factors each session proved: its assurance level stays, its freshness goes.
 */
export async function ageProofs(where: SessionFilter, at: Date): Promise<void> {
  const rows = await db.authSession.findMany({
    where,
    select: { id: true, passwordAt: true, providerAt: true, totpAt: true, passkeyAt: true, backupCodeAt: true },
  });
  for (const row of rows) {
    const older = (value: Date | null) => (value ? at : null);
    await db.authSession.update({
      where: { id: row.id },
      data: {
        reauthAt: at,
        passwordAt: older(row.passwordAt),
        providerAt: older(row.providerAt),
        totpAt: older(row.totpAt),
        passkeyAt: older(row.passkeyAt),
        backupCodeAt: older(row.backupCodeAt),
      },
    });
  }
}

/**
 * Records a second-factor proof made just now on the session behind `accessToken`, for tests about
 * something else than step-up (the policy's own tests prove factors for real): adding a second
 * factor, or regenerating codes, needs a fresh second factor in the session.
 */
export async function proveSecondFactorNow(accessToken: string): Promise<void> {
  const claims = await decodeAccessToken(accessToken);
  if (!claims) throw new Error("not an access token");
  const now = new Date();
  await db.authSession.update({ where: { id: claims.sessionId }, data: { totpAt: now, reauthAt: now } });
}
