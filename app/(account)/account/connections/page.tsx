import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { getSecurityOverview } from "@/lib/auth/two-factor/account-security";
import { requireWebUser } from "@/lib/auth/sessions/guards";
import { listLinkedAccounts } from "@/lib/auth/oauth/provider-sign-in";
import { listEnabledProviders, socialAuthEnabled } from "@/lib/auth/oauth/providers";
import { LinkForm, UnlinkForm } from "./connection-forms";

export const metadata: Metadata = { title: "Connected accounts" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : "never");

export default async function ConnectionsPage({ searchParams }: Props) {
  const user = await requireWebUser("/account/connections");
  const [linked, providers, overview] = await Promise.all([
    listLinkedAccounts(user.id),
    listEnabledProviders(),
    getSecurityOverview(user.id),
  ]);
  const linkedNow = (await searchParams).linked;
  const linkedIds = new Set(linked.map((a) => a.provider));
  const available = providers.filter((p) => !linkedIds.has(p.id));
  // The proof the policy asks of this account: a second factor when it has one, else the password.
  const stepUp = { hasPassword: overview.hasPassword && !overview.enabled, hasTotp: overview.totp };
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Connected accounts</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Providers you can sign in with. Two-factor authentication still applies after them.
        </p>
      </div>
      {typeof linkedNow === "string" && <Alert tone="success">The provider is linked to your account.</Alert>}

      <Card
        title="Linked providers"
        description="Unlinking needs your password or a code if you signed in a while ago. You cannot unlink your only way to sign in."
      >
        {linked.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No provider is linked.</p>
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="linked-providers">
            {linked.map((account) => (
              <li key={account.id} className="space-y-3 py-4 first:pt-0 last:pb-0">
                <p className="text-sm">
                  <span className="font-semibold">{account.providerName}</span>
                  {account.email && <span className="text-zinc-600 dark:text-zinc-400"> · {account.email}</span>}
                  <span className="text-zinc-500 dark:text-zinc-500">
                    {" "}
                    · linked {day(account.createdAt)} · last used {day(account.lastUsedAt)}
                  </span>
                </p>
                <UnlinkForm accountId={account.id} providerName={account.providerName} {...stepUp} />
              </li>
            ))}
          </ul>
        )}
      </Card>

      {socialAuthEnabled() && available.length > 0 && (
        <Card
          title="Link a provider"
          description="Confirm it is you, then sign in at the provider; you come back here."
        >
          <div className="space-y-6">
            {available.map((p) => (
              <LinkForm key={p.id} provider={p.id} providerName={p.displayName} {...stepUp} />
            ))}
          </div>
        </Card>
      )}
    </div>
  );
}
