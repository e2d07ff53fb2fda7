"use client";

import { useActionState, type ReactNode } from "react";
import { BackupCodesPanel } from "@/components/backup-codes/backup-codes-panel";
import { Alert } from "@/components/ui/alert";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import type { FormState } from "@/lib/http/form";

export type AdminActionState = FormState & { done?: string; codes?: string[]; codesFor?: string };
export type AdminAction = (state: AdminActionState, formData: FormData) => Promise<AdminActionState>;
export type StepUpView = {
  fresh: boolean;
  hasPassword: boolean;
  hasTotp: boolean;
  hasBackupCodes: boolean;
  minutes: number;
};

/**
 * One admin action on a record: optional reason (written to the security log), the re-proof of
 * identity when the admin's last one is older than LOKDOWN_STEP_UP_MINUTES, and the outcome.
 * New backup codes are shown here once, for hand-over.
 */
export function AdminActionForm({
  action,
  hidden,
  submitLabel,
  variant = "secondary",
  reason,
  stepUp,
  site,
  children,
  idPrefix,
}: {
  action: AdminAction;
  hidden: Record<string, string>;
  submitLabel: string;
  variant?: ButtonVariant;
  reason?: { label: string; hint: string };
  stepUp: StepUpView;
  site: string;
  children?: ReactNode;
  idPrefix: string;
}) {
  const [state, run, pending] = useActionState<AdminActionState, FormData>(action, {});
  if (state.codes) {
    return (
      <div className="space-y-4">
        <Alert tone="success">
          New backup codes for {state.codesFor}. Hand them over securely; they are not shown again and the old ones no
          longer work.
        </Alert>
        <BackupCodesPanel codes={state.codes} username={state.codesFor ?? "user"} site={site} />
      </div>
    );
  }
  const askProof = !stepUp.fresh || state.fieldErrors?.step_up !== undefined;
  return (
    <form action={run} className="space-y-4" noValidate>
      {state.done && <Alert tone="success">{state.done}</Alert>}
      {state.error && <Alert tone="error">{state.error}</Alert>}
      {children}
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {reason && (
        <div>
          <label htmlFor={`${idPrefix}-reason`} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
            {reason.label}
          </label>
          <textarea
            id={`${idPrefix}-reason`}
            name="reason"
            required
            minLength={5}
            maxLength={500}
            rows={2}
            aria-describedby={`${idPrefix}-reason-hint`}
            aria-invalid={state.fieldErrors?.reason ? true : undefined}
            className={`mt-1.5 ${inputClass}`}
          />
          <p
            id={`${idPrefix}-reason-hint`}
            className={`mt-1 text-xs ${state.fieldErrors?.reason ? "text-red-600 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400"}`}
          >
            {state.fieldErrors?.reason?.[0] ?? reason.hint}
          </p>
        </div>
      )}
      {askProof && (
        <fieldset className="space-y-2">
          <legend className="text-xs text-zinc-600 dark:text-zinc-400">
            Confirm it is you with {stepUp.hasPassword ? "your password" : "a second factor"} (your last confirmation is
            more than {stepUp.minutes} minutes old).
          </legend>
          <div className="grid gap-3 sm:grid-cols-2">
            {stepUp.hasPassword && (
              <Field
                id={`${idPrefix}-password`}
                label="Your password"
                name="password"
                type="password"
                autoComplete="current-password"
              />
            )}
            {stepUp.hasTotp && (
              <Field
                id={`${idPrefix}-totp`}
                label="Authenticator code"
                name="totp_token"
                inputMode="numeric"
                maxLength={6}
                autoComplete="one-time-code"
              />
            )}
            {stepUp.hasBackupCodes && (
              <Field
                id={`${idPrefix}-backup`}
                label={stepUp.hasTotp ? "…or a backup code" : "Backup code"}
                name="backup_code"
                maxLength={64}
                autoComplete="off"
              />
            )}
          </div>
        </fieldset>
      )}
      <Button type="submit" variant={variant} disabled={pending}>
        {pending ? "Working…" : submitLabel}
      </Button>
    </form>
  );
}
