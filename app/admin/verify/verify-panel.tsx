"use client";

import { startAuthentication } from "@simplewebauthn/browser";
import { startTransition, useActionState, useEffect, useState } from "react";
import { describeWebAuthnError } from "@/components/passkeys/webauthn-messages";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { beginPasskeyVerificationAction, verifyCodeAction, verifyPasskeyAction, type VerifyState } from "./actions";

/** Verify one existing factor: an authenticator code, a passkey, or a backup code. */
export function VerifyPanel({
  next,
  totp,
  passkeys,
  backupCodes,
}: {
  next: string;
  totp: boolean;
  passkeys: boolean;
  backupCodes: boolean;
}) {
  const [codeState, verifyCode, verifyingCode] = useActionState<VerifyState, FormData>(verifyCodeAction, {});
  const [begun, beginPasskey, starting] = useActionState<VerifyState, FormData>(beginPasskeyVerificationAction, {});
  const [passkeyState, verifyPasskey, verifyingPasskey] = useActionState<VerifyState, FormData>(
    verifyPasskeyAction,
    {},
  );
  const [useBackup, setUseBackup] = useState(!totp && !passkeys);
  const [ceremonyError, setCeremonyError] = useState<string | null>(null);

  useEffect(() => {
    const options = begun.passkeyOptions;
    if (!options) return;
    let cancelled = false;
    startAuthentication({ optionsJSON: options })
      .then((response) => {
        if (cancelled) return;
        const form = new FormData();
        form.set("passkey_response", JSON.stringify(response));
        form.set("next", next);
        startTransition(() => verifyPasskey(form));
      })
      .catch((error: unknown) => {
        if (!cancelled) setCeremonyError(describeWebAuthnError(error, "get"));
      });
    return () => {
      cancelled = true;
    };
  }, [begun.passkeyOptions, next, verifyPasskey]);

  const passkeyError = ceremonyError ?? passkeyState.error ?? begun.error;
  return (
    <div className="space-y-6">
      {passkeys && (
        <form
          action={(form) => {
            setCeremonyError(null);
            beginPasskey(form);
          }}
          className="space-y-3"
        >
          {passkeyError && <Alert tone="error">{passkeyError}</Alert>}
          <input type="hidden" name="next" value={next} />
          <Button type="submit" className="w-full" disabled={starting || verifyingPasskey}>
            {starting || verifyingPasskey ? "Waiting for your passkey…" : "Use a passkey"}
          </Button>
        </form>
      )}
      {passkeys && (totp || backupCodes) && (
        <p
          className="flex items-center gap-3 text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-400"
          aria-hidden="true"
        >
          <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
          or
          <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
        </p>
      )}
      {(totp || backupCodes) && (
        <form action={verifyCode} className="space-y-4" noValidate>
          {codeState.error && <Alert tone="error">{codeState.error}</Alert>}
          <input type="hidden" name="next" value={next} />
          {useBackup || !totp ? (
            <Field
              key="backup"
              label="Backup code"
              name="backup_code"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              required
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
          <Button
            type="submit"
            variant={passkeys ? "secondary" : "primary"}
            className="w-full"
            disabled={verifyingCode}
          >
            {verifyingCode ? "Verifying…" : "Verify"}
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
      )}
    </div>
  );
}
