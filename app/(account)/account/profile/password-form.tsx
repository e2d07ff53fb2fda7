"use client";

import { useActionState } from "react";
import { useStepUpAction } from "@/components/step-up/step-up-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { changePasswordAction, type PasswordState } from "./actions";

export function PasswordForm({ username, hasPassword }: { username: string; hasPassword: boolean }) {
  const [state, action, pending] = useActionState<PasswordState, FormData>(useStepUpAction(changePasswordAction), {});
  if (state.done) {
    const ended = state.done.sessionsEnded;
    return (
      <Alert tone="success">
        Your password is {hasPassword ? "changed" : "set"}.{" "}
        {ended > 0
          ? `${ended} other ${ended === 1 ? "session was" : "sessions were"} signed out.`
          : "Your other sessions stay signed in."}{" "}
        Trusted browsers will ask for a code again.
      </Alert>
    );
  }
  return (
    <form action={action} className="max-w-md space-y-4" noValidate>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <input type="text" name="username" value={username} autoComplete="username" readOnly hidden />
      {hasPassword && (
        <Field
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          error={state.fieldErrors?.current_password?.[0]}
        />
      )}
      <Field
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters; a few unusual words work well."
        error={state.fieldErrors?.new_password?.[0]}
      />
      <Field
        label="Confirm new password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        required
        error={state.fieldErrors?.confirm?.[0]}
      />
      <div className="flex items-start gap-2.5">
        <input
          id="sign-out-others"
          name="sign_out_others"
          type="checkbox"
          defaultChecked
          className="mt-0.5 size-4 rounded border-zinc-300 text-indigo-600 dark:border-zinc-700"
        />
        <label htmlFor="sign-out-others" className="text-sm text-zinc-800 dark:text-zinc-200">
          Sign out my other sessions
        </label>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : hasPassword ? "Change password" : "Set password"}
      </Button>
    </form>
  );
}
