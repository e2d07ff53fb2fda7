import { db } from "@/lib/db";

type SessionFilter = NonNullable<Parameters<typeof db.authSession.findMany>[0]>["where"];

/**
 * Makes every proof of the matching sessions as old as `at` (the factor times the policy reads, and
 * reauthAt), keeping which factors each session proved: its assurance level stays, its freshness goes.
 */
export async function ageProofs(where: SessionFilter, at: Date): Promise<void> {
  const rows = await db.authSession.findMany({ where, select: { id: true, passwordAt: true, providerAt: true, totpAt: true, passkeyAt: true, backupCodeAt: true } });
  for (const row of rows) {
    const older = (value: Date | null) => (value ? at : null);
    await db.authSession.update({
      where: { id: row.id },
      data: { reauthAt: at, passwordAt: older(row.passwordAt), providerAt: older(row.providerAt), totpAt: older(row.totpAt), passkeyAt: older(row.passkeyAt), backupCodeAt: older(row.backupCodeAt) },
    });
  }
}
