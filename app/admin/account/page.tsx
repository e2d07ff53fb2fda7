import type { Metadata } from "next";
import Link from "next/link";
import { BackupCodesSection } from "@/app/(account)/account/security/backup-codes-section";
import { PasskeysSection, type PasskeyItem } from "@/app/(account)/account/security/passkeys-section";
import { TotpSetupSection } from "@/app/(account)/account/security/totp-section";
import { formatDate, formatDateTime } from "@/components/admin/format";
import { PageHeader } from "@/components/admin/page-header";
import { StepUpBoundary } from "@/components/step-up/step-up-boundary";
import { Card } from "@/components/ui/card";
import { getSecurityOverview } from "@/lib/auth/account-security";
import { requireStaff } from "@/lib/auth/admin/guard";
import { listUserPasskeys } from "@/lib/auth/passkeys";
import { siteOrigin } from "@/lib/auth/site";

export const metadata: Metadata = { title: "My security" };

/**
 * Staff self-service: the account security page's own components (they act on the signed-in user
 * through the account actions, with the same step-up and last-factor rules), inside the admin.
 */
export default async function AdminAccountPage() {
  const user = await requireStaff("/admin/account");
  const [overview, passkeys] = await Promise.all([getSecurityOverview(user.id), listUserPasskeys(user.id)]);
  const site = siteOrigin();
  const items: PasskeyItem[] = passkeys.map((p) => ({
    id: p.id,
    credentialId: p.credentialId,
    name: p.name,
    authenticator: p.authenticator,
    synced: p.backedUp,
    createdAt: formatDate(p.createdAt),
    lastUsedAt: p.lastUsedAt ? formatDateTime(p.lastUsedAt) : null,
  }));
  // The account components ask for step-up in a dialog (components/step-up); this page provides it.
  return (
    <StepUpBoundary userId={user.id}>
      <div className="max-w-3xl space-y-6">
      <PageHeader
        title="My security"
        description={
          <>
            Your own authenticator app, passkeys and backup codes, signed in as <strong>{user.username}</strong>. Staff accounts must keep at least one factor. The same settings are on your{" "}
            <Link href="/account/security" className="text-indigo-700 hover:underline dark:text-indigo-400">
              account security page
            </Link>
            .
          </>
        }
      />
      <Card title="Authenticator app" description="Codes from an app such as Google Authenticator, Authy, 1Password or Microsoft Authenticator.">
        {overview.totp ? (
          <p className="text-sm" data-testid="totp-enabled">
            <span className="font-semibold text-emerald-700 dark:text-emerald-400">On</span>
            {overview.totpSince && <span className="text-zinc-600 dark:text-zinc-400"> · since {formatDate(overview.totpSince)}</span>}
          </p>
        ) : overview.totpAvailable ? (
          <TotpSetupSection username={user.username} site={site} />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Authenticator apps are turned off on this site.</p>
        )}
      </Card>
      <Card title="Passkeys" description="Sign in with your fingerprint, face, screen lock or a security key.">
        <PasskeysSection
          passkeys={items}
          available={overview.passkeyAvailable}
          hasPassword={overview.hasPassword}
          hasTotp={overview.totp}
          lastFactorLocked={overview.mustKeepTwoFactor && !overview.totp && passkeys.length === 1}
        />
      </Card>
      {overview.enabled && (
        <Card title="Backup codes" description="Single-use codes for when you cannot reach your authenticator or passkey.">
          <BackupCodesSection remaining={overview.backupCodesRemaining} username={user.username} site={site} />
        </Card>
      )}
      </div>
    </StepUpBoundary>
  );
}
