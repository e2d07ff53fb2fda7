"use client";

import { useState, useTransition } from "react";
import { browserSupportsWebAuthn, startAuthentication } from "@simplewebauthn/browser";
import { PasskeyIcon } from "@/components/passkeys/passkey-icon";
import { describeWebAuthnError, wasSuperseded } from "@/components/passkeys/webauthn-messages";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { passkeyStepOptionsAction, verifyPasskeyStepAction } from "./passkey-actions";
import { useTrustBrowser } from "./trust-browser";

/** "Use a passkey": fetches options, runs the browser prompt and completes the sign-in. */
export function PasskeyStep({ next, primary }: { next: string; primary: boolean }) {
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const trust = useTrustBrowser();

  function usePasskey() {
    setError(undefined);
    startTransition(async () => {
      if (!browserSupportsWebAuthn()) {
        setError("This browser does not support passkeys. Use another way to confirm it's you.");
        return;
      }
      const begun = await passkeyStepOptionsAction();
      if ("error" in begun) {
        setError(begun.error);
        return;
      }
      let response;
      try {
        response = await startAuthentication({ optionsJSON: begun.options });
      } catch (failure) {
        if (!wasSuperseded(failure)) setError(describeWebAuthnError(failure, "get"));
        return;
      }
      const result = await verifyPasskeyStepAction(response, next, trust);
      setError(result.error);
    });
  }

  return (
    <div className="space-y-3">
      {error && <Alert tone="error">{error}</Alert>}
      <Button type="button" variant={primary ? "primary" : "secondary"} className="w-full" onClick={usePasskey} disabled={pending} data-testid="use-passkey">
        <PasskeyIcon />
        {pending ? "Waiting for your passkey…" : "Use a passkey"}
      </Button>
      {primary && <p className="text-center text-xs text-zinc-500 dark:text-zinc-400">Your browser will ask for your fingerprint, face, screen lock or security key.</p>}
    </div>
  );
}
