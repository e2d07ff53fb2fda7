"use client";

import { useEffect, useState, useTransition } from "react";
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  WebAuthnAbortService,
} from "@simplewebauthn/browser";
import { PasskeyIcon } from "@/components/passkeys/passkey-icon";
import { describeWebAuthnError, wasSuperseded } from "@/components/passkeys/webauthn-messages";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { passwordlessOptionsAction, passwordlessSignInAction } from "./passkey-actions";

type Report = (message?: string) => void;
type Liveness = { active: boolean };

/** One ceremony: the modal prompt (button) or the username field's autofill (conditional mediation). */
async function passkeySignIn(autofill: boolean, next: string, report: Report, page: Liveness): Promise<void> {
  const begun = await passwordlessOptionsAction();
  if ("error" in begun) {
    if (!autofill) report(begun.error);
    return;
  }
  if (!page.active) return;
  let response;
  try {
    response = await startAuthentication({ optionsJSON: begun.options, useBrowserAutofill: autofill });
  } catch (failure) {
    if (wasSuperseded(failure)) return;
    // Autofill stays quiet: the user never asked for it, so there is nothing to report.
    if (!autofill) {
      report(describeWebAuthnError(failure, "get"));
      void armAutofill(next, report, page);
    }
    return;
  }
  report(undefined);
  const result = await passwordlessSignInAction(begun.sessionId, response, next);
  report(result.error);
  if (result.retry) void armAutofill(next, report, page);
}

async function armAutofill(next: string, report: Report, page: Liveness): Promise<void> {
  if (page.active && (await browserSupportsWebAuthnAutofill())) await passkeySignIn(true, next, report, page);
}

/** "Continue with a passkey" (not "Sign in…": that name belongs to the password button), plus the same offer in the username field's autofill. */
export function PasskeySignIn({ next }: { next: string }) {
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const [page] = useState<Liveness>(() => ({ active: true }));

  useEffect(() => {
    page.active = true;
    void armAutofill(next, setError, page);
    return () => {
      page.active = false;
      WebAuthnAbortService.cancelCeremony();
    };
  }, [next, page]);

  function onClick() {
    setError(undefined);
    if (!browserSupportsWebAuthn()) {
      setError("This browser does not support passkeys. Sign in with your password instead.");
      return;
    }
    startTransition(() => passkeySignIn(false, next, setError, page));
  }

  return (
    <div className="space-y-3">
      {error && <Alert tone="error">{error}</Alert>}
      <Button
        type="button"
        variant="secondary"
        className="w-full"
        onClick={onClick}
        disabled={pending}
        data-testid="passkey-sign-in"
      >
        <PasskeyIcon />
        {pending ? "Waiting for your passkey…" : "Continue with a passkey"}
      </Button>
    </div>
  );
}
