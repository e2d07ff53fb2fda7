"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { confirmEmailAction, type ConfirmEmailState } from "./actions";

export function ConfirmEmailForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<ConfirmEmailState, FormData>(confirmEmailAction, {});
  if (state.email) {
    return (
      <div className="space-y-4">
        <Alert tone="success">
          Your e-mail address is now <strong>{state.email}</strong>.
        </Alert>
        <Link href="/account/profile" className={buttonClass("secondary", "w-full")}>
          Go to your profile
        </Link>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-4">
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="token" value={token} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Confirming…" : "Confirm this address"}
      </Button>
    </form>
  );
}
