"use client";

import { useActionState } from "react";
import { BackupCodesPanel } from "@/components/backup-codes/backup-codes-panel";
import { TotpConfirmForm } from "@/components/totp/totp-confirm-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useStepUpAction } from "@/components/step-up/step-up-dialog";
import { beginTotpSetupAction, confirmTotpSetupAction, type TotpSetupState } from "./actions";

/** Set up an authenticator app: nothing is saved until a code from the app verifies. */
export function TotpSetupSection({ username, site }: { username: string; site: string }) {
  // Adding a factor is a policy action ("totp.add"): the dialog asks for the proof before the QR code shows.
  const [begun, begin, starting] = useActionState<TotpSetupState, FormData>(useStepUpAction(beginTotpSetupAction), {});
  const [done, confirm, confirming] = useActionState<TotpSetupState, FormData>(
    useStepUpAction(confirmTotpSetupAction),
    {},
  );
  const setup = done.setup ?? begun.setup;

  if (done.backupCodes && done.backupCodes.length === 0) {
    return <Alert tone="success">Your authenticator app is set up. Your existing backup codes still work.</Alert>;
  }
  if (done.backupCodes) {
    return (
      <div className="space-y-4">
        <Alert tone="success">Your authenticator app is set up. Here are your backup codes.</Alert>
        <BackupCodesPanel codes={done.backupCodes} username={username} site={site} />
      </div>
    );
  }
  if (!setup) {
    return (
      <form action={begin} className="space-y-3">
        {begun.error && <Alert tone="error">{begun.error}</Alert>}
        <Button type="submit" disabled={starting}>
          {starting ? "Preparing…" : "Set up authenticator app"}
        </Button>
      </form>
    );
  }
  return <TotpConfirmForm action={confirm} setup={setup} error={done.error} pending={confirming} />;
}
