import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth-card";
import { Alert } from "@/components/ui/alert";
import { describeEmailVerification, RESEND_VERIFICATION_PATH } from "@/lib/auth/account/email-verification";
import { ConfirmVerificationForm } from "./confirm-form";

export const metadata: Metadata = { title: "Confirm your e-mail address", referrer: "no-referrer" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Opened from the confirmation e-mail, signed in or not: the link itself proves the address. */
export default async function VerifyEmailPage({ searchParams }: Props) {
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw : "";
  const link = token ? await describeEmailVerification(token) : null;
  if (!link) {
    return (
      <AuthCard title="This link does not work">
        <Alert tone="warning">This confirmation link is invalid, was already used, or has expired.</Alert>
        <p className="text-center text-sm">
          <Link
            href={RESEND_VERIFICATION_PATH}
            className="font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400"
          >
            Send a new link
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Confirm your e-mail address" subtitle={`Confirm that ${link.email} belongs to ${link.username}.`}>
      <ConfirmVerificationForm token={token} />
    </AuthCard>
  );
}
