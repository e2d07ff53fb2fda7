import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { signOutAction } from "@/app/_actions/session";
import { AuthCard } from "@/components/auth-card";
import { adminPath, decideStaffAccess, requireStaffToVerify } from "@/lib/auth/admin/guard";
import { firstParam, type SearchParams } from "@/lib/auth/admin/listing";
import { describeAdminVerification, wasUpgradedByEnrollment } from "@/lib/auth/admin/verification";
import { siteOrigin } from "@/lib/auth/site";
import { EnrollPanel } from "./enroll-panel";
import { VerifyPanel } from "./verify-panel";

export const metadata: Metadata = { title: "Verify it's you" };

type Props = { searchParams: Promise<SearchParams> };

/**
 * The admin area's own second-factor step for a staff session that has not passed 2FA. A GET
 * changes nothing: every login session, secret and challenge is made by a POST (server action).
 */
export default async function AdminVerifyPage({ searchParams }: Props) {
  const next = adminPath(firstParam(await searchParams, "next"));
  const user = await requireStaffToVerify(next);
  // Enrollment has just upgraded the session; the page keeps showing the new backup codes.
  const justEnrolled = await wasUpgradedByEnrollment(user);
  if (!justEnrolled && decideStaffAccess(user).kind === "allowed") redirect(next);
  const view = await describeAdminVerification(user);
  const signOut = (
    <form action={signOutAction} className="text-center">
      <button
        type="submit"
        className="text-sm text-zinc-500 hover:text-zinc-700 dark:text-zinc-400 dark:hover:text-zinc-200"
      >
        Sign out
      </button>
    </form>
  );
  if (view.mustEnroll || justEnrolled) {
    return (
      <AuthCard
        title="Protect your staff account"
        subtitle={`The admin area needs two-factor authentication. Set it up now to continue as ${view.username}.`}
      >
        <EnrollPanel
          next={next}
          username={view.username}
          site={siteOrigin()}
          totpAvailable={view.totpAvailable}
          passkeyAvailable={view.passkeyAvailable}
        />
        {signOut}
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Verify it's you"
      subtitle={`The admin area needs a second factor in this session, ${view.username}.`}
    >
      <VerifyPanel next={next} totp={view.totp} passkeys={view.passkeys > 0} backupCodes={view.backupCodes} />
      {signOut}
    </AuthCard>
  );
}
