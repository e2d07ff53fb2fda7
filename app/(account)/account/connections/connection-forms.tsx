"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useStepUpAction } from "@/components/step-up/step-up-dialog";
import { StepUpFields } from "../security/step-up-fields";
import { linkProviderAction, unlinkProviderAction, type ConnectionState } from "./actions";

type StepUp = { hasPassword: boolean; hasTotp: boolean };

export function UnlinkForm({
  accountId,
  providerName,
  ...stepUp
}: StepUp & { accountId: number; providerName: string }) {
  const [state, action, pending] = useActionState<ConnectionState, FormData>(useStepUpAction(unlinkProviderAction), {});
  if (state.done) return <Alert tone="success">{providerName} is no longer linked.</Alert>;
  return (
    <form action={action} className="space-y-3" noValidate>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="account_id" value={accountId} />
      <StepUpFields {...stepUp} idPrefix={`unlink-${accountId}`} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Unlinking…" : `Unlink ${providerName}`}
      </Button>
    </form>
  );
}

export function LinkForm({ provider, providerName, ...stepUp }: StepUp & { provider: string; providerName: string }) {
  const [state, action, pending] = useActionState<ConnectionState, FormData>(useStepUpAction(linkProviderAction), {});
  return (
    <form action={action} className="space-y-3" noValidate>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="provider" value={provider} />
      <StepUpFields {...stepUp} idPrefix={`link-${provider}`} />
      <Button type="submit" disabled={pending}>
        {pending ? "Opening…" : `Link ${providerName}`}
      </Button>
    </form>
  );
}
