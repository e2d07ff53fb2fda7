import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth-card";
import { Alert } from "@/components/ui/alert";
import { signupOpen } from "@/lib/auth/account/signup";
import { getWebUser } from "@/lib/auth/sessions/web-session";
import { SignupForm } from "./signup-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignupPage() {
  if (await getWebUser()) redirect("/account");
  return (
    <AuthCard title="Create your account">
      {signupOpen() ? (
        <SignupForm />
      ) : (
        <>
          <Alert tone="info">Sign-up is closed on this site. Ask an administrator for an account.</Alert>
          <Link href="/login" className="block text-center text-sm font-semibold text-indigo-600 dark:text-indigo-400">
            Back to sign in
          </Link>
        </>
      )}
    </AuthCard>
  );
}
