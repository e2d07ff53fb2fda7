import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { AuthCard } from "@/components/auth-card";
import { safeReturnPath } from "@/lib/auth/guards";
import { signupOpen } from "@/lib/auth/registration";
import { getWebUser } from "@/lib/auth/web-session";
import { settings } from "@/lib/env";
import { LoginForm } from "./login-form";
import { ProviderButtons } from "@/components/oauth/provider-buttons";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LoginPage({ searchParams }: Props) {
  const params = await searchParams;
  const next = safeReturnPath(params.next);
  if (await getWebUser()) redirect(next);
  return (
    <AuthCard title="Sign in to your account">
      {params.signed_out !== undefined && <Alert tone="success">You have been signed out.</Alert>}
      {params.expired !== undefined && <Alert tone="warning">Your sign-in expired. Please start again.</Alert>}
      {params.created !== undefined && <Alert tone="success">Your account is ready. Sign in to continue.</Alert>}
      {params.reset !== undefined && <Alert tone="success">Your password was changed. Sign in with the new one.</Alert>}
      <LoginForm next={next} signupEnabled={signupOpen()} passkeyEnabled={settings.passkeyEnabled} />
      <ProviderButtons next={next} />
    </AuthCard>
  );
}
