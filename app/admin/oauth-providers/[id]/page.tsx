import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminActionForm } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/format";
import { PageHeader } from "@/components/admin/page-header";
import { Card } from "@/components/ui/card";
import { requireStaff } from "@/lib/auth/admin/guard";
import { describeStepUp } from "@/lib/auth/admin/users";
import { getOAuthProvider, NEXTAUTH_BASE_PATH } from "@/lib/auth/oauth/providers";
import { siteOrigin } from "@/lib/auth/site";
import { deleteProviderAction, updateProviderAction } from "../actions";
import { ProviderForm } from "../provider-form";

export const metadata: Metadata = { title: "Edit OAuth provider" };

export default async function EditProviderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const admin = await requireStaff(`/admin/oauth-providers/${encodeURIComponent(id)}`);
  const provider = await getOAuthProvider(id);
  if (!provider || provider.readOnly) notFound();
  const stepUp = await describeStepUp(admin);
  const base = `${siteOrigin()}${NEXTAUTH_BASE_PATH}/callback`;
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/oauth-providers" className="text-indigo-700 hover:underline dark:text-indigo-400">
          ← OAuth providers
        </Link>
      </p>
      <PageHeader
        title={provider.displayName}
        description={`Provider "${provider.id}", ${provider.linkedAccounts} linked account(s). Added ${formatDateTime(provider.createdAt)}, changed ${formatDateTime(provider.updatedAt)}.`}
      />
      <Card>
        <ProviderForm
          action={updateProviderAction}
          mode="edit"
          stepUp={stepUp}
          redirectBase={base}
          initial={{
            id: provider.id,
            type: provider.type,
            displayName: provider.displayName,
            clientId: provider.clientId,
            issuer: provider.issuer ?? "",
            enabled: provider.enabled,
            trustEmail: provider.trustEmail,
            trustedEmailDomains: provider.trustedEmailDomains.join(", "),
          }}
        />
      </Card>
      <Card
        title="Delete provider"
        description={`Users can no longer sign in with it, and its ${provider.linkedAccounts} linked account(s) are removed: a provider added later under this id starts with none (account ids are only unique per issuer).`}
      >
        <AdminActionForm
          idPrefix="delete"
          action={deleteProviderAction}
          hidden={{ id: provider.id }}
          submitLabel="Delete provider"
          variant="danger"
          stepUp={stepUp}
          site={siteOrigin()}
        />
      </Card>
    </div>
  );
}
