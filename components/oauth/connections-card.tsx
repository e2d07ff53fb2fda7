import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { listLinkedAccounts } from "@/lib/auth/oauth/provider-sign-in";
import { socialAuthEnabled } from "@/lib/auth/oauth/providers";

/** The security page's pointer to /account/connections; hidden while social login is off and nothing is linked. */
export async function ConnectionsCard({ userId }: { userId: number }) {
  const linked = await listLinkedAccounts(userId);
  if (!socialAuthEnabled() && linked.length === 0) return null;
  return (
    <Card title="Connected accounts" description="GitHub, Google or single sign-on providers you can sign in with.">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="connections-summary">
          {linked.length === 0 ? "No provider is linked." : `Linked: ${linked.map((a) => a.providerName).join(", ")}`}
        </p>
        <Link href="/account/connections" className={buttonClass("secondary")}>
          Manage connected accounts
        </Link>
      </div>
    </Card>
  );
}
