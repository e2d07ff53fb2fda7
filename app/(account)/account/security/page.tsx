import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { requireWebUser, safeReturnPath } from "@/lib/auth/sessions/guards";
import { listUserPasskeys } from "@/lib/auth/passkeys/user-passkeys";
import { getSecurityOverview } from "@/lib/auth/two-factor/account-security";
import { siteOrigin } from "@/lib/auth/site";
import { ConnectionsCard } from "@/components/oauth/connections-card";
import { DisableSection } from "./disable-section";
import { FactorCards } from "./factor-cards";

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
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Two-factor authentication, backup codes and how you sign in.
        </p>
      </div>
      {welcome && (
        <Alert tone="success">Welcome aboard! Turn on two-factor authentication to protect your new account.</Alert>
      )}
      {params.passkey_added !== undefined && (
        <Alert tone="success">
          Your passkey is set up and you are signed in. Generate backup codes below so you can still sign in if you lose
          it, then{" "}
          <Link href={safeReturnPath(params.next)} className="font-semibold underline">
            continue
          </Link>
          .
        </Alert>
      )}

      <FactorCards
        username={user.username}
        overview={overview}
        passkeys={passkeys}
        site={site}
        passkeysDescription="Sign in with your fingerprint, face, screen lock or a security key. A passkey is a second factor and also signs you in without a password."
      />

      {overview.enabled && !overview.mustKeepTwoFactor && (
        <Card
          title="Turn off two-factor authentication"
          description="Removes your authenticator app, passkeys and backup codes. You may be asked to confirm with your password or a code."
        >
          <DisableSection />
        </Card>
      )}
      <ConnectionsCard userId={user.id} />
    </div>
  );
}
