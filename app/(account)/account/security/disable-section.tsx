"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { disableTwoFactorAction, type CodesState } from "./actions";
import { StepUpFields } from "./step-up-fields";

export function DisableSection({ hasPassword, hasTotp }: { hasPassword: boolean; hasTotp: boolean }) {
  const [state, action, pending] = useActionState<CodesState, FormData>(disableTwoFactorAction, {});
  if (state.done) return <Alert tone="success">Two-factor authentication is off.</Alert>;
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <StepUpFields hasPassword={hasPassword} hasTotp={hasTotp} idPrefix="disable" />
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Turning off…" : "Turn off two-factor authentication"}
      </Button>
    </form>
  );
}
