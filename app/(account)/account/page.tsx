import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { buttonClass } from "@/components/ui/button";
import { requireWebUser } from "@/lib/auth/sessions/guards";
import { getTwoFactorStatus } from "@/lib/auth/two-factor/status";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const user = await requireWebUser("/account");
  const status = await getTwoFactorStatus(user.id);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Welcome, {user.username}</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Signed in as {user.email}</p>
      </div>
      <Card
        title="Two-factor authentication"
        description="A second step at sign-in keeps your account safe even if your password leaks."
      >
        <div className="flex flex-wrap items-center justify-between gap-4">
          <p className="text-sm" data-testid="twofa-status">
            {status.is_enabled ? (
              <span className="font-semibold text-emerald-700 dark:text-emerald-400">On</span>
            ) : (
              <span className="font-semibold text-amber-700 dark:text-amber-400">Off</span>
            )}
            {status.is_enabled && (
              <span className="text-zinc-600 dark:text-zinc-400">
                {" "}
                ·{" "}
                {[status.totp_enabled && "authenticator app", status.passkey_enabled && "passkeys"]
                  .filter(Boolean)
                  .join(" and ")}{" "}
                · {status.backup_codes_remaining} backup codes left
              </span>
            )}
          </p>
          <Link href="/account/security" className={buttonClass(status.is_enabled ? "secondary" : "primary")}>
            {status.is_enabled ? "Manage security" : "Turn on two-factor authentication"}
          </Link>
        </div>
      </Card>
      <div className="grid gap-6 sm:grid-cols-2">
        <Card
          title="Sessions and devices"
          description="Where you are signed in, and the browsers that skip the code step. Sign out any of them."
        >
          <Link href="/account/sessions" className={buttonClass("secondary")}>
            Review sessions
          </Link>
        </Card>
        <Card title="Profile" description="Your e-mail address and password.">
          <Link href="/account/profile" className={buttonClass("secondary")}>
            Edit profile
          </Link>
        </Card>
      </div>
    </div>
  );
}
