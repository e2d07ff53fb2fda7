"use client";

import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import { reauthenticateAction } from "@/app/_actions/step-up";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { StepUpMethods } from "@/lib/auth/step-up";
import type { FormState } from "@/lib/http/form";

/**
 * Step-up in the browser: a form's server action answers reauth_required, a modal dialog asks for
 * the password or a code, and the action runs again with the same form data. One dialog per page
 * (StepUpProvider); forms opt in with useStepUpAction.
 */

type AskForProof = () => Promise<boolean>;

const StepUpContext = createContext<AskForProof | null>(null);

export function StepUpProvider({ methods, children }: { methods: StepUpMethods; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const settle = useRef<((proved: boolean) => void) | null>(null);
  const ask = useCallback<AskForProof>(
    () =>
      new Promise<boolean>((resolve) => {
        settle.current?.(false);
        settle.current = resolve;
        setOpen(true);
      }),
    [],
  );
  const finish = useCallback((proved: boolean) => {
    setOpen(false);
    settle.current?.(proved);
    settle.current = null;
  }, []);
  return (
    <StepUpContext value={ask}>
      {children}
      <StepUpDialog open={open} methods={methods} onDone={finish} />
    </StepUpContext>
  );
}

/** Wraps a form action: on reauth_required it asks for a proof, then retries once. */
export function useStepUpAction<S extends FormState>(action: (state: S, formData: FormData) => Promise<S>): (state: S, formData: FormData) => Promise<S> {
  const ask = useContext(StepUpContext);
  return useCallback(
    async (state: S, formData: FormData): Promise<S> => {
      const first = await action(state, formData);
      if (first.code !== "reauth_required" || !ask) return first;
      if (!(await ask())) return { ...first, error: "Nothing was changed: confirm it's you to continue." };
      return action(state, formData);
    },
    [action, ask],
  );
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

function StepUpDialog({ open, methods, onDone }: { open: boolean; methods: StepUpMethods; onDone: (proved: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const descriptionId = useId();
  const hasCode = methods.totp || methods.backupCodes;
  const [useCode, setUseCode] = useState(!methods.password);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      setError(null);
      element.showModal();
      element.querySelector<HTMLElement>("input")?.focus();
    } else if (!open && element.open) {
      element.close();
      opener.current?.focus();
    }
  }, [open]);

  // showModal makes the page behind inert; this keeps Tab cycling inside the dialog as well.
  const trapFocus = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== "Tab" || !dialog.current) return;
    const items = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    setBusy(true);
    setError(null);
    const result = await reauthenticateAction(new FormData(form));
    setBusy(false);
    if (result.ok) {
      form.reset();
      onDone(true);
    } else if (result.signedOut) {
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
    } else {
      setError(result.error);
      form.querySelector<HTMLInputElement>("input")?.select();
    }
  };

  const what = methods.password && hasCode ? "your password or a code" : methods.password ? "your password" : "a code from your authenticator app or a backup code";
  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      onCancel={(event) => {
        // Escape: close through our own state so the waiting action learns it was cancelled.
        event.preventDefault();
        onDone(false);
      }}
      onKeyDown={trapFocus}
      className="m-auto w-full max-w-sm rounded-xl bg-white p-6 text-zinc-900 shadow-xl ring-1 ring-zinc-200 backdrop:bg-zinc-950/50 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-800"
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <h2 id={titleId} className="text-lg font-semibold">
          Confirm it&apos;s you
        </h2>
        <p id={descriptionId} className="text-sm text-zinc-600 dark:text-zinc-400">
          This change needs a recent sign-in. Enter {what} to continue.
        </p>
        {error && <Alert tone="error">{error}</Alert>}
        {useCode || !methods.password ? (
          <Field
            key="code"
            id="step-up-code"
            label={methods.totp ? "Authenticator or backup code" : "Backup code"}
            name="code"
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={64}
            required
          />
        ) : (
          <Field key="password" id="step-up-password" label="Password" name="password" type="password" autoComplete="current-password" maxLength={1024} required />
        )}
        {methods.password && hasCode && (
          <button type="button" onClick={() => setUseCode(!useCode)} className="text-sm font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
            {useCode ? "Use your password instead" : "Use a code instead"}
          </button>
        )}
        <div className="flex justify-end gap-3">
          <Button type="button" variant="secondary" onClick={() => onDone(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy}>
            {busy ? "Checking…" : "Confirm"}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
