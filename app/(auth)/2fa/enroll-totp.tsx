"use client";

import { useActionState } from "react";
import { BackupCodesPanel } from "@/components/backup-codes/backup-codes-panel";
import { TotpConfirmForm } from "@/components/totp/totp-confirm-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
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
  return <TotpConfirmForm action={confirm} setup={setup} error={done.error} pending={confirming} next={next} wide />;
}
