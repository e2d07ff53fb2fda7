"use client";

import { useActionState } from "react";
import { BackupCodesPanel } from "@/components/backup-codes/backup-codes-panel";
import { TotpSetupDetails } from "@/components/totp/totp-setup-details";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { beginEnrollTotpAction, confirmEnrollTotpAction, finishEnrollmentAction, type EnrollState } from "./actions";

/** First-login enrollment for staff: start, scan, verify, then see the backup codes once. */
export function EnrollTotp({ next, username, site }: { next: string; username: string; site: string }) {
  const [begun, begin, starting] = useActionState<EnrollState>(beginEnrollTotpAction, {});
  const [done, confirm, confirming] = useActionState<EnrollState, FormData>(confirmEnrollTotpAction, {});
  const setup = done.setup ?? begun.setup;

  if (done.backupCodes) {
    return (
      <div className="space-y-5">
        <Alert tone="success">Two-factor authentication is on. You are signed in.</Alert>
        <BackupCodesPanel codes={done.backupCodes} username={username} site={site} />
        <form action={finishEnrollmentAction}>
          <input type="hidden" name="next" value={done.next ?? next} />
          <Button type="submit" className="w-full">
            I have saved my codes — continue
          </Button>
        </form>
      </div>
    );
  }
  if (!setup) {
    return (
      <form action={begin} className="space-y-4">
        {begun.error && <Alert tone="error">{begun.error}</Alert>}
        <Button type="submit" className="w-full" disabled={starting}>
          {starting ? "Preparing…" : "Set up an authenticator app"}
        </Button>
      </form>
    );
  }
  return (
    <form action={confirm} className="space-y-5" noValidate>
      {done.error && <Alert tone="error">{done.error}</Alert>}
      <TotpSetupDetails secret={setup.secret} qrCode={setup.qrCode} />
      <input type="hidden" name="next" value={next} />
      <Field label="Code from the app" name="totp_token" inputMode="numeric" maxLength={6} autoComplete="one-time-code" required />
      <Button type="submit" className="w-full" disabled={confirming}>
        {confirming ? "Verifying…" : "Verify and turn on"}
      </Button>
    </form>
  );
}
