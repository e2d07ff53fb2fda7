"use client";

import { useState, useTransition } from "react";
import { authenticateWithPasskey } from "@/components/passkeys/ceremony";
import { PasskeyIcon } from "@/components/passkeys/passkey-icon";
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
      const outcome = await authenticateWithPasskey({
        unsupported: "This browser does not support passkeys. Use another way to confirm it's you.",
        begin: passkeyStepOptionsAction,
        finish: (_begun, response) => verifyPasskeyStepAction(response, next, trust),
      });
      setError(outcome.ok ? outcome.done.error : outcome.error);
    });
  }

  return (
    <div className="space-y-3">
      {error && <Alert tone="error">{error}</Alert>}
      <Button
        type="button"
        variant={primary ? "primary" : "secondary"}
        className="w-full"
        onClick={usePasskey}
        disabled={pending}
        data-testid="use-passkey"
      >
        <PasskeyIcon />
        {pending ? "Waiting for your passkey…" : "Use a passkey"}
      </Button>
      {primary && (
        <p className="text-center text-xs text-zinc-500 dark:text-zinc-400">
          Your browser will ask for your fingerprint, face, screen lock or security key.
        </p>
      )}
    </div>
  );
}
