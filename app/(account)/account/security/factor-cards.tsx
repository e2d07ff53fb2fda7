import { formatDate, formatDateTime } from "@/components/admin/format";
import { Card } from "@/components/ui/card";
import type { SecurityOverview } from "@/lib/auth/two-factor/account-security";
import type { PasskeyView } from "@/lib/auth/passkeys/user-passkeys";
import { BackupCodesSection } from "./backup-codes-section";
import { PasskeysSection, type PasskeyItem } from "./passkeys-section";
import { TotpSetupSection } from "./totp-section";

function passkeyItem(p: PasskeyView): PasskeyItem {
  return {
    id: p.id,
    credentialId: p.credentialId,
    name: p.name,
    authenticator: p.authenticator,
    synced: p.backedUp,
    createdAt: formatDate(p.createdAt),
    lastUsedAt: p.lastUsedAt ? formatDateTime(p.lastUsedAt) : null,
  };
}

type Props = {
  username: string;
  overview: SecurityOverview;
  passkeys: PasskeyView[];
  site: string;
  passkeysDescription: string;
};

/**
 * The signed-in user's own second factors: authenticator app, passkeys and backup codes. Shared by
 * the account security page and the admin's "My security" page, which act through the same
 * account actions with the same step-up and last-factor rules.
 */
export function FactorCards({ username, overview, passkeys, site, passkeysDescription }: Props) {
  return (
    <>
      <Card
        title="Authenticator app"
        description="Codes from an app such as Google Authenticator, Authy, 1Password or Microsoft Authenticator."
      >
        {overview.totp ? (
          <p className="text-sm" data-testid="totp-enabled">
            <span className="font-semibold text-emerald-700 dark:text-emerald-400">On</span>
            {overview.totpSince && (
              <span className="text-zinc-600 dark:text-zinc-400"> · since {formatDate(overview.totpSince)}</span>
            )}
          </p>
        ) : overview.totpAvailable ? (
          <TotpSetupSection username={username} site={site} />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Authenticator apps are turned off on this site.</p>
        )}
      </Card>

      <Card title="Passkeys" description={passkeysDescription}>
        <PasskeysSection
          passkeys={passkeys.map(passkeyItem)}
          available={overview.passkeyAvailable}
          hasPassword={overview.hasPassword}
          hasTotp={overview.totp}
          lastFactorLocked={overview.lastPasskeyLocked}
        />
      </Card>

      {overview.enabled && (
        <Card
          title="Backup codes"
          description="Single-use codes for when you cannot reach your authenticator or passkey."
        >
          <BackupCodesSection remaining={overview.backupCodesRemaining} username={username} site={site} />
        </Card>
      )}
    </>
  );
}
