"use client";

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { beginPasskeyStepUpAction, reauthenticateAction } from "@/app/_actions/step-up";
import { authenticateWithPasskey } from "@/components/passkeys/ceremony";
import { PasskeyIcon } from "@/components/passkeys/passkey-icon";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import type { ErrorCode } from "@/lib/auth/errors";
import type { StepUpMethods } from "@/lib/auth/policy/step-up";
import type { FormState } from "@/lib/http/form";

/**
 * Step-up in the browser: a form's server action answers a step-up refusal, a modal dialog asks
 * for the proof the policy names for this account (a second factor when it has one: code or
 * passkey; else the password), and the action runs again with the same form data. One dialog per
 * page (StepUpProvider); forms opt in with useStepUpAction, other callers with useStepUp.
 */

/** The refusals the dialog can answer (lib/auth/policy/assurance-policy.ts STEP_UP_CODES). */
export function isStepUpRefusal(code: ErrorCode | undefined): boolean {
  return code === "reauth_required" || code === "second_factor_required" || code === "provider_reauth_required";
}

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

/** The page's "ask for a proof" (resolves true once proved), or null outside a StepUpProvider. */
export function useStepUp(): AskForProof | null {
  return useContext(StepUpContext);
}

/** Wraps a form action: on a step-up refusal it asks for a proof, then retries once. */
export function useStepUpAction<S extends FormState>(
  action: (state: S, formData: FormData) => Promise<S>,
): (state: S, formData: FormData) => Promise<S> {
  const ask = useContext(StepUpContext);
  return useCallback(
    async (state: S, formData: FormData): Promise<S> => {
      const first = await action(state, formData);
      if (!isStepUpRefusal(first.code) || !ask) return first;
      if (!(await ask())) return { ...first, error: "Nothing was changed: confirm it's you to continue." };
      return action(state, formData);
    },
    [action, ask],
  );
}

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

function StepUpDialog({
  open,
  methods,
  onDone,
}: {
  open: boolean;
  methods: StepUpMethods;
  onDone: (proved: boolean) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const descriptionId = useId();
  const hasCode = methods.totp || methods.backupCodes;
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

  const proveWithPasskey = () => {
    setBusy(true);
    setError(null);
    void authenticateWithPasskey({
      unsupported: "This browser does not support passkeys. Use a code instead.",
      begin: beginPasskeyStepUpAction,
      finish: (_begun, response) => {
        const form = new FormData();
        form.set("passkey_response", JSON.stringify(response));
        return reauthenticateAction(form);
      },
    }).then((outcome) => {
      setBusy(false);
      if (!outcome.ok) return setError(outcome.error ?? null);
      const answer = outcome.done;
      if (answer.ok) onDone(true);
      else if (answer.signedOut) window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
      else setError(answer.error);
    });
  };

  const what =
    methods.proof === "password"
      ? "your password"
      : methods.proof === "provider"
        ? "a new sign-in with your provider"
        : [
            methods.totp && "a code from your authenticator app",
            methods.passkey && "a passkey",
            methods.backupCodes && "a backup code",
          ]
            .filter(Boolean)
            .join(" or ") || "a second factor";
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
          This change needs a recent sign-in. Confirm with {what} to continue.
        </p>
        {error && <Alert tone="error">{error}</Alert>}
        {methods.proof === "password" && (
          <Field
            key="password"
            id="step-up-password"
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            maxLength={1024}
            required
          />
        )}
        {methods.proof === "second_factor" && methods.passkey && (
          <Button
            type="button"
            variant={hasCode ? "secondary" : "primary"}
            onClick={proveWithPasskey}
            disabled={busy}
            data-testid="step-up-passkey"
          >
            <PasskeyIcon />
            Use a passkey
          </Button>
        )}
        {methods.proof === "second_factor" && hasCode && (
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
        )}
        {methods.proof === "provider" && (
          <a href="/login" className="text-sm font-semibold text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
            Sign in again
          </a>
        )}
        <div className="flex justify-end gap-3">
          <Button type="button" variant="secondary" onClick={() => onDone(false)}>
            Cancel
          </Button>
          {(methods.proof === "password" || hasCode) && (
            <Button type="submit" disabled={busy}>
              {busy ? "Checking…" : "Confirm"}
            </Button>
          )}
        </div>
      </form>
    </dialog>
  );
}
