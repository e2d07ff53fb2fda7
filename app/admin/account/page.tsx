import type { Metadata } from "next";
import Link from "next/link";
import { FactorCards } from "@/app/(account)/account/security/factor-cards";
import { PageHeader } from "@/components/admin/page-header";
import { StepUpBoundary } from "@/components/step-up/step-up-boundary";
import { getSecurityOverview } from "@/lib/auth/two-factor/account-security";
import { requireStaff } from "@/lib/auth/admin/guard";
import { listUserPasskeys } from "@/lib/auth/passkeys/user-passkeys";
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
  // The account components ask for step-up in a dialog (components/step-up); this page provides it.
  return (
    <StepUpBoundary userId={user.id}>
      <div className="max-w-3xl space-y-6">
        <PageHeader
          title="My security"
          description={
            <>
              Your own authenticator app, passkeys and backup codes, signed in as <strong>{user.username}</strong>.
              Staff accounts must keep at least one factor. The same settings are on your{" "}
              <Link href="/account/security" className="text-indigo-700 hover:underline dark:text-indigo-400">
                account security page
              </Link>
              .
            </>
          }
        />
        <FactorCards
          username={user.username}
          overview={overview}
          passkeys={passkeys}
          site={site}
          passkeysDescription="Sign in with your fingerprint, face, screen lock or a security key."
        />
      </div>
    </StepUpBoundary>
  );
}
