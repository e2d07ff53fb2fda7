import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth-card";
import { Alert } from "@/components/ui/alert";
import { emailVerificationHours, emailVerificationRequired } from "@/lib/auth/account/email-verification";
import { ResendVerificationForm } from "./resend-form";

export const metadata: Metadata = { title: "Confirm your e-mail address" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** After sign-up (when confirmation is required) and for anyone whose link expired: ask for a new one. */
export default async function ResendVerificationPage({ searchParams }: Props) {
  const params = await searchParams;
  if (params.sent !== undefined || params.registered !== undefined) {
    return (
      <AuthCard title="Check your inbox">
        <Alert tone="success">
          <span data-testid="verification-sent">
            {params.registered !== undefined ? "Your account is created. " : ""}If an account with an unconfirmed
            address matches, we sent it a confirmation link. The link works once, for {emailVerificationHours()} hours.
          </span>
        </Alert>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          {emailVerificationRequired() ? "You can sign in once the address is confirmed. " : ""}Nothing arrived? Check
          the spam folder, or ask again in a few minutes.
        </p>
        <p className="text-center text-sm">
          <Link href="/login" className="font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
            Back to sign in
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Confirm your e-mail address"
      subtitle="Enter your e-mail address or username and we will send a new confirmation link."
    >
      <ResendVerificationForm />
    </AuthCard>
  );
}
