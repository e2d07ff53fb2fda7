"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClass } from "@/components/ui/button";
import { secureAccountAction, type SecureAccountState } from "./actions";

function Steps({ lines }: { lines: string[] }) {
  return (
    <ul className="list-disc space-y-1 pl-5 text-sm text-zinc-700 dark:text-zinc-300">
      {lines.map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}

/** Lists what the link will do, then, once done, what was done and the way on to a new password. */
export function SecureAccountForm({ token, actions }: { token: string; actions: string[] }) {
  const [state, action, pending] = useActionState<SecureAccountState, FormData>(secureAccountAction, {});
  if (state.done) {
    return (
      <div className="space-y-4">
        <Alert tone="success">
          Done. {state.done.username} is secured ({state.done.sessionsEnded}{" "}
          {state.done.sessionsEnded === 1 ? "session" : "sessions"} signed out). Every step below was carried out.
        </Alert>
        <Steps lines={state.done.done} />
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          Your password was cleared: choose a new one now, then sign in and check your second factors.
        </p>
        <Link
          href={`/reset-password?token=${encodeURIComponent(state.done.resetToken)}`}
          className={buttonClass("primary", "w-full")}
        >
          Choose a new password
        </Link>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-4">
      <p className="text-sm text-zinc-700 dark:text-zinc-300">The button below will:</p>
      <Steps lines={actions} />
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="token" value={token} />
      <Button type="submit" variant="danger" className="w-full" disabled={pending}>
        {pending ? "Securing…" : "Secure my account"}
      </Button>
    </form>
  );
}
