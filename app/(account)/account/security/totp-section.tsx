"use client";

import { useActionState } from "react";
import { BackupCodesPanel } from "@/components/backup-codes/backup-codes-panel";
import { TotpSetupDetails } from "@/components/totp/totp-setup-details";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { beginTotpSetupAction, confirmTotpSetupAction, type TotpSetupState } from "./actions";

/** Set up an authenticator app: nothing is saved until a code from the app verifies. */
export function TotpSetupSection({ username, site }: { username: string; site: string }) {
  const [begun, begin, starting] = useActionState<TotpSetupState>(beginTotpSetupAction, {});
  const [done, confirm, confirming] = useActionState<TotpSetupState, FormData>(confirmTotpSetupAction, {});
  const setup = done.setup ?? begun.setup;

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
  return (
    <form action={confirm} className="max-w-md space-y-4" noValidate>
      {done.error && <Alert tone="error">{done.error}</Alert>}
      <TotpSetupDetails secret={setup.secret} qrCode={setup.qrCode} />
      <Field label="Code from the app" name="totp_token" inputMode="numeric" maxLength={6} autoComplete="one-time-code" required />
      <Button type="submit" disabled={confirming}>
        {confirming ? "Verifying…" : "Verify and turn on"}
      </Button>
    </form>
  );
}
