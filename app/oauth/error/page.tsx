import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth-card";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { describeProviderError } from "@/lib/auth/oauth/provider-errors";

export const metadata: Metadata = { title: "Sign-in did not work" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** One page for every way a provider sign-in can fail; next-auth and the bridge both send people here. */
export default async function OAuthErrorPage({ searchParams }: Props) {
  const error = (await searchParams).error;
  if (typeof error !== "string" || error === "") redirect("/login");
  const problem = describeProviderError(error);
  return (
    <AuthCard title={problem.title}>
      <Alert tone="error">
        <span data-testid="oauth-error" data-code={problem.code}>
          {problem.message}
        </span>
      </Alert>
      {problem.hint && <p className="text-sm text-zinc-600 dark:text-zinc-400">{problem.hint}</p>}
      <Link href="/login" className={buttonClass("primary", "w-full")}>
        Back to sign in
      </Link>
    </AuthCard>
  );
}
