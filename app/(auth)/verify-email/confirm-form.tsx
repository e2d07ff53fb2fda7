"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { confirmEmailVerificationAction, type VerifyEmailState } from "./actions";

export function ConfirmVerificationForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<VerifyEmailState, FormData>(confirmEmailVerificationAction, {});
  if (state.email) {
    return (
      <div className="space-y-4">
        <Alert tone="success">
          <span data-testid="email-verified">
            Thank you: <strong>{state.email}</strong> is confirmed.
          </span>
        </Alert>
        <Link href="/login" className={buttonClass("secondary", "w-full")}>
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-4">
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="token" value={token} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Confirming…" : "Confirm my address"}
      </Button>
    </form>
  );
}
