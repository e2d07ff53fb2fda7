"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form";
import { verifySecondFactorAction } from "./actions";
import { TrustBrowserCheckbox, useTrustBrowser } from "./trust-browser";

/** The authenticator-code step, with a switch to a backup code. */
export function VerifyForm({
  next,
  totp,
  backupCodes,
  trustDays = 0,
}: {
  next: string;
  totp: boolean;
  backupCodes: boolean;
  trustDays?: number;
}) {
  const [state, action, pending] = useActionState<FormState, FormData>(verifySecondFactorAction, {});
  const [useBackup, setUseBackup] = useState(!totp);
  const trust = useTrustBrowser();
  return (
    <form action={action} className="space-y-5" noValidate>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <input type="hidden" name="next" value={next} />
      <input type="hidden" name="trust_browser" value={trust ? "on" : ""} />
      {useBackup ? (
        <Field
          key="backup"
          label="Backup code"
          name="backup_code"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          required
          autoFocus
          hint="One of the codes you saved when you set up two-factor authentication."
        />
      ) : (
        <Field
          key="totp"
          label="Authentication code"
          name="totp_token"
          inputMode="numeric"
          pattern="[0-9]*"
          maxLength={6}
          autoComplete="one-time-code"
          required
          autoFocus
          hint="The 6-digit code from your authenticator app."
        />
      )}
      {trustDays > 0 && <TrustBrowserCheckbox days={trustDays} />}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Verifying…" : "Verify"}
      </Button>
      {totp && backupCodes && (
        <button
          type="button"
          onClick={() => setUseBackup(!useBackup)}
          className="w-full text-center text-sm font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400"
        >
          {useBackup ? "Use your authenticator app" : "Use a backup code"}
        </button>
      )}
    </form>
  );
}
