"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form";
import { loginAction } from "./actions";

export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(loginAction, {});
  return (
    <form action={action} className="space-y-5" noValidate>
      {state.error && (
        <Alert tone="error">
          {state.error}
          {state.code === "email_not_verified" && (
            <>
              {" "}
              <Link href="/verify-email/resend" className="font-semibold underline">
                Send a new link
              </Link>
            </>
          )}
        </Alert>
      )}
      <input type="hidden" name="next" value={next} />
      <Field
        label="Username or email"
        name="username"
        autoComplete="username webauthn"
        required
        defaultValue={state.values?.username}
        error={state.fieldErrors?.username?.[0]}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={state.fieldErrors?.password?.[0]}
      />
      <p className="-mt-3 text-right text-sm">
        <Link
          href="/forgot-password"
          className="font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400"
        >
          Forgot your password?
        </Link>
      </p>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
