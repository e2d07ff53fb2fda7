import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth-card";
import { Alert } from "@/components/ui/alert";
import { passwordResetMinutes } from "@/lib/auth/password/reset";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ForgotPasswordPage({ searchParams }: Props) {
  if ((await searchParams).sent !== undefined) {
    return (
      <AuthCard title="Check your inbox">
        <Alert tone="success">
          If an account uses that address, we sent it a link to choose a new password. The link works once, for{" "}
          {passwordResetMinutes()} minutes.
        </Alert>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Nothing arrived? Check the spam folder, or ask again in a few minutes.
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
      title="Forgot your password?"
      subtitle="Enter the e-mail address of your account and we will send you a link to choose a new one."
    >
      <ForgotPasswordForm />
    </AuthCard>
  );
}
