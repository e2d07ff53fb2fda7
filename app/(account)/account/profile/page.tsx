import type { Metadata } from "next";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { emailChangeHours, getPendingEmailChange } from "@/lib/auth/account/email-change";
import { requireWebUser } from "@/lib/auth/sessions/guards";
import { getStepUpMethods } from "@/lib/auth/policy/step-up";
import { cancelEmailChangeAction } from "./actions";
import { EmailForm } from "./email-form";
import { PasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Profile" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const stamp = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export default async function ProfilePage({ searchParams }: Props) {
  const user = await requireWebUser("/account/profile");
  const [pending, methods] = await Promise.all([getPendingEmailChange(user.id), getStepUpMethods(user.id)]);
  const params = await searchParams;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Profile</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Your e-mail address and password. Changes here may ask you to confirm it&apos;s you.
        </p>
      </div>
      {params.email_changed !== undefined && <Alert tone="success">Your e-mail address is changed.</Alert>}
      {params.cancelled !== undefined && (
        <Alert tone="success">The pending e-mail change is cancelled; its link no longer works.</Alert>
      )}

      <Card title="Account">
        <dl className="grid gap-3 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-zinc-600 dark:text-zinc-400">Username</dt>
          <dd className="font-medium">{user.username}</dd>
          <dt className="text-zinc-600 dark:text-zinc-400">E-mail address</dt>
          <dd className="font-medium" data-testid="profile-email">
            {user.email}
          </dd>
        </dl>
      </Card>

      <Card
        title="Change e-mail address"
        description="We send a link to the new address; the change happens when you open it. Security notices go to the address in use."
      >
        <div className="space-y-4">
          {pending && (
            <Alert tone="info">
              <span className="block">
                Waiting for confirmation of <strong>{pending.newEmail}</strong> (link valid until{" "}
                {stamp(pending.expiresAt)}).
              </span>
              <form action={cancelEmailChangeAction} className="mt-2">
                <button type="submit" className="text-sm font-semibold underline">
                  Cancel this change
                </button>
              </form>
            </Alert>
          )}
          <EmailForm hours={emailChangeHours()} />
        </div>
      </Card>

      <Card
        title={methods.password ? "Change password" : "Set a password"}
        description="Signing out your other sessions is a good idea if you think someone else knows your current password."
      >
        <PasswordForm username={user.username} hasPassword={methods.password} />
      </Card>
    </div>
  );
}
