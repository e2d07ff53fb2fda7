"use client";

import { useActionState } from "react";
import { BackupCodesPanel } from "@/components/backup-codes/backup-codes-panel";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useStepUpAction } from "@/components/step-up/step-up-dialog";
import { regenerateBackupCodesAction, type CodesState } from "./actions";

export function BackupCodesSection({
  remaining,
  username,
  site,
}: {
  remaining: number;
  username: string;
  site: string;
}) {
  const [state, action, pending] = useActionState<CodesState, FormData>(
    useStepUpAction(regenerateBackupCodesAction),
    {},
  );
  if (state.backupCodes) {
    return (
      <div className="space-y-4">
        <Alert tone="success">New backup codes generated. The old ones no longer work.</Alert>
        <BackupCodesPanel codes={state.backupCodes} username={username} site={site} />
      </div>
    );
  }
  return (
    <form action={action} className="space-y-4" noValidate>
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        <span data-testid="backup-codes-remaining" className="font-semibold">
          {remaining}
        </span>{" "}
        unused backup {remaining === 1 ? "code" : "codes"} left.
      </p>
      {remaining <= 2 && <Alert tone="warning">You are running low on backup codes. Generate a new set.</Alert>}
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Generating…" : "Generate new backup codes"}
      </Button>
    </form>
  );
}
