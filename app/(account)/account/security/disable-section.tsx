"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useStepUpAction } from "@/components/step-up/step-up-dialog";
import { disableTwoFactorAction, type CodesState } from "./actions";

export function DisableSection() {
  const [state, action, pending] = useActionState<CodesState, FormData>(useStepUpAction(disableTwoFactorAction), {});
  if (state.done) return <Alert tone="success">Two-factor authentication is off.</Alert>;
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Turning off…" : "Turn off two-factor authentication"}
      </Button>
    </form>
  );
}
