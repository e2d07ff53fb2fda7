import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/admin/page-header";
import { Card } from "@/components/ui/card";
import { requireStaff } from "@/lib/auth/admin/guard";
import { describeStepUp } from "@/lib/auth/admin/users";
import { NEXTAUTH_BASE_PATH } from "@/lib/auth/oauth/providers";
import { siteOrigin } from "@/lib/auth/site";
import { createProviderAction } from "../actions";
import { ProviderForm } from "../provider-form";

export const metadata: Metadata = { title: "Add OAuth provider" };

export default async function NewProviderPage() {
  const admin = await requireStaff("/admin/oauth-providers/new");
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
        title="Add OAuth provider"
        description="Register this site with the provider first, then copy its client id and secret here."
      />
      <Card>
        <ProviderForm
          action={createProviderAction}
          mode="create"
          stepUp={stepUp}
          redirectBase={base}
          initial={{
            id: "",
            type: "github",
            displayName: "",
            clientId: "",
            issuer: "",
            enabled: true,
            trustEmail: false,
            trustedEmailDomains: "",
          }}
        />
      </Card>
    </div>
  );
}
