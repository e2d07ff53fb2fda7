"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { secureAccountAction, type SecureAccountState } from "./actions";

export function SecureAccountForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<SecureAccountState, FormData>(secureAccountAction, {});
  if (state.done) {
    return (
      <div className="space-y-4">
        <Alert tone="success">
          Done. Every session and trusted browser of {state.done.username} is signed out ({state.done.sessionsEnded} {state.done.sessionsEnded === 1 ? "session" : "sessions"}).
        </Alert>
        <p className="text-sm text-zinc-700 dark:text-zinc-300">If someone may know your password, choose a new one now. Then sign in and check your second factors and API keys.</p>
        <div className="flex flex-col gap-2">
          <Link href="/forgot-password" className={buttonClass("primary", "w-full")}>
            Reset your password
          </Link>
          <Link href="/login" className={buttonClass("secondary", "w-full")}>
            Sign in
          </Link>
        </div>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-4">
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="token" value={token} />
      <Button type="submit" variant="danger" className="w-full" disabled={pending}>
        {pending ? "Signing out…" : "Sign out everywhere"}
      </Button>
    </form>
  );
}
