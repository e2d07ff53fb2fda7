import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth-card";
import { Alert } from "@/components/ui/alert";
import { describeSecurityLink } from "@/lib/auth/notices/security-mail";
import { SecureAccountForm } from "./secure-account-form";

export const metadata: Metadata = { title: "Secure your account", referrer: "no-referrer" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** "This wasn't me" from a security e-mail. Opening the link changes nothing (mail scanners open links); the button does. */
export default async function SecureAccountPage({ searchParams }: Props) {
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw : "";
  const link = token ? await describeSecurityLink(token) : null;
  if (!link) {
    return (
      <AuthCard title="This link does not work">
        <Alert tone="warning">This link is invalid, was already used or has expired.</Alert>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          If you still think someone else is using your account, reset your password and sign out your other sessions
          from the account page.
        </p>
        <p className="text-center text-sm">
          <Link
            href="/forgot-password"
            className="font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400"
          >
            Reset your password
          </Link>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Secure your account" subtitle={`Wasn't you? Take ${link.username} back, everywhere, right now.`}>
      <SecureAccountForm token={token} actions={link.actions} />
    </AuthCard>
  );
}
