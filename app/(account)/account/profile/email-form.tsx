"use client";

import { useActionState } from "react";
import { useStepUpAction } from "@/components/step-up/step-up-dialog";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { requestEmailChangeAction, type EmailState } from "./actions";

export function EmailForm({ hours }: { hours: number }) {
  const [state, action, pending] = useActionState<EmailState, FormData>(useStepUpAction(requestEmailChangeAction), {});
  if (state.sentTo) {
    return (
      <Alert tone="success">
        We sent a confirmation link to <strong>{state.sentTo}</strong>. Your address changes when you open it (within{" "}
        {hours} hours).
      </Alert>
    );
  }
  return (
    <form action={action} className="max-w-md space-y-4" noValidate>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <Field
        label="New email address"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email?.[0]}
      />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Sending…" : "Send confirmation link"}
      </Button>
    </form>
  );
}
