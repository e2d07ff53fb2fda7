import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth-card";
import { Alert } from "@/components/ui/alert";
import { describePasswordReset } from "@/lib/auth/password/reset";
import { ResetPasswordForm } from "./reset-password-form";

// The token is in the address: never send it on as a Referer.
export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ResetPasswordPage({ searchParams }: Props) {
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw : "";
  const reset = token ? await describePasswordReset(token) : null;
  if (!reset) {
    return (
      <AuthCard title="This link does not work">
        <Alert tone="warning">This password reset link is invalid, was already used or has expired.</Alert>
        <p className="text-center text-sm">
          <Link
            href="/forgot-password"
            className="font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400"
          >
            Ask for a new link
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Choose a new password"
      subtitle={`For ${reset.username}. Every session of the account is signed out; two-factor authentication still applies.`}
    >
      <ResetPasswordForm token={token} username={reset.username} />
    </AuthCard>
  );
}
