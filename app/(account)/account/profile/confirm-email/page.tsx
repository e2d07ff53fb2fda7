import type { Metadata } from "next";
import { AuthCard } from "@/components/auth-card";
import { Alert } from "@/components/ui/alert";
import { describeEmailChange } from "@/lib/auth/account/email-change";
import { ConfirmEmailForm } from "./confirm-email-form";

export const metadata: Metadata = { title: "Confirm your e-mail address", referrer: "no-referrer" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Opened from the confirmation e-mail, signed in or not: the link itself proves the new address. */
export default async function ConfirmEmailPage({ searchParams }: Props) {
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw : "";
  const change = token ? await describeEmailChange(token) : null;
  if (change && "sessionEnded" in change) {
    return (
      <AuthCard title="This link does not work">
        <Alert tone="warning">
          This confirmation link stopped working because the session that asked for the change has ended (signed out, or
          the account was secured). Sign in and ask for the change again.
        </Alert>
      </AuthCard>
    );
  }
  if (!change) {
    return (
      <AuthCard title="This link does not work">
        <Alert tone="warning">
          This confirmation link is invalid, was already used, was replaced by a newer one or has expired.
        </Alert>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Confirm your e-mail address"
      subtitle={`Make ${change.newEmail} the address of ${change.username}.`}
    >
      <ConfirmEmailForm token={token} />
    </AuthCard>
  );
}
