import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { AuthCard } from "@/components/auth-card";
import { safeReturnPath } from "@/lib/auth/sessions/guards";
import { signupOpen } from "@/lib/auth/account/signup";
import { getWebUser } from "@/lib/auth/sessions/web-session";
import Link from "next/link";
import { ProviderButtons } from "@/components/oauth/provider-buttons";
import { OrDivider } from "@/components/passkeys/or-divider";
import { listEnabledProviders } from "@/lib/auth/oauth/providers";
import { passkeySignInOffered } from "@/lib/auth/passkeys/passwordless-sign-in";
import { LoginForm } from "./login-form";
import { PasskeySignIn } from "./passkey-sign-in";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LoginPage({ searchParams }: Props) {
  const params = await searchParams;
  const next = safeReturnPath(params.next);
  if (await getWebUser()) redirect(next);
  const [providers, passkeys] = [await listEnabledProviders(), passkeySignInOffered()];
  return (
    <AuthCard title="Sign in to your account">
      {params.signed_out !== undefined && <Alert tone="success">You have been signed out.</Alert>}
      {params.expired !== undefined && <Alert tone="warning">Your sign-in expired. Please start again.</Alert>}
      {params.created !== undefined && <Alert tone="success">Your account is ready. Sign in to continue.</Alert>}
      {params.reset !== undefined && <Alert tone="success">Your password was changed. Sign in with the new one.</Alert>}
      <LoginForm next={next} />
      {(passkeys || providers.length > 0) && <OrDivider />}
      {passkeys && <PasskeySignIn next={next} />}
      <ProviderButtons providers={providers} next={next} />
      {signupOpen() && (
        <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
          New here?{" "}
          <Link href="/signup" className="font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
            Create an account
          </Link>
        </p>
      )}
    </AuthCard>
  );
}
