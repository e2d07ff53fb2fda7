import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { requireWebUser, safeReturnPath } from "@/lib/auth/guards";
import { listUserPasskeys, type PasskeyView } from "@/lib/auth/passkeys";
import { getSecurityOverview } from "@/lib/auth/account-security";
import { siteOrigin } from "@/lib/auth/site";
import { ConnectionsCard } from "@/components/oauth/connections-card";
import { BackupCodesSection } from "./backup-codes-section";
import { DisableSection } from "./disable-section";
import { PasskeysSection, type PasskeyItem } from "./passkeys-section";
import { TotpSetupSection } from "./totp-section";

const stamp = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function passkeyItem(p: PasskeyView): PasskeyItem {
  return {
    id: p.id,
    credentialId: p.credentialId,
    name: p.name,
    authenticator: p.authenticator,
    synced: p.backedUp,
    createdAt: p.createdAt.toISOString().slice(0, 10),
    lastUsedAt: p.lastUsedAt ? stamp(p.lastUsedAt) : null,
  };
}

export const metadata: Metadata = { title: "Security" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SecurityPage({ searchParams }: Props) {
  const user = await requireWebUser("/account/security");
  const [overview, passkeys] = await Promise.all([getSecurityOverview(user.id), listUserPasskeys(user.id)]);
  const params = await searchParams;
  const welcome = params.welcome !== undefined;
  const site = siteOrigin();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Security</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Two-factor authentication, backup codes and how you sign in.</p>
      </div>
      {welcome && <Alert tone="success">Welcome aboard! Turn on two-factor authentication to protect your new account.</Alert>}
      {params.passkey_added !== undefined && (
        <Alert tone="success">
          Your passkey is set up and you are signed in. Generate backup codes below so you can still sign in if you lose it, then{" "}
          <Link href={safeReturnPath(params.next)} className="font-semibold underline">
            continue
          </Link>
          .
        </Alert>
      )}

      <Card title="Authenticator app" description="Codes from an app such as Google Authenticator, Authy, 1Password or Microsoft Authenticator.">
        {overview.totp ? (
          <p className="text-sm" data-testid="totp-enabled">
            <span className="font-semibold text-emerald-700 dark:text-emerald-400">On</span>
            {overview.totpSince && <span className="text-zinc-600 dark:text-zinc-400"> · since {overview.totpSince.toISOString().slice(0, 10)}</span>}
          </p>
        ) : overview.totpAvailable ? (
          <TotpSetupSection username={user.username} site={site} />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Authenticator apps are turned off on this site.</p>
        )}
      </Card>

      <Card title="Passkeys" description="Sign in with your fingerprint, face, screen lock or a security key. A passkey is a second factor and also signs you in without a password.">
        <PasskeysSection
          passkeys={passkeys.map(passkeyItem)}
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

      {overview.enabled && !overview.mustKeepTwoFactor && (
        <Card title="Turn off two-factor authentication" description="Removes your authenticator app, passkeys and backup codes. You may be asked to confirm with your password or a code.">
          <DisableSection />
        </Card>
      )}
      <ConnectionsCard userId={user.id} />
    </div>
  );
}
