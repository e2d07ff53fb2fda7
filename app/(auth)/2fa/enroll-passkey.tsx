"use client";

import { useState, useTransition } from "react";
import { registerPasskeyInBrowser } from "@/components/passkeys/ceremony";
import { PasskeyIcon } from "@/components/passkeys/passkey-icon";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { beginEnrollPasskeyAction, confirmEnrollPasskeyAction } from "./passkey-actions";

/** Staff first sign-in: create a passkey right here, which also completes the sign-in. */
export function EnrollPasskey({ next }: { next: string }) {
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function enroll() {
    setError(undefined);
    startTransition(async () => {
      const outcome = await registerPasskeyInBrowser({
        unsupported: "This browser does not support passkeys. Set up an authenticator app instead.",
        begin: beginEnrollPasskeyAction,
        finish: (begun, response) => confirmEnrollPasskeyAction(begun.sessionId, response, next),
      });
      setError(outcome.ok ? outcome.done.error : outcome.error);
    });
  }

  return (
    <div className="space-y-3">
      {error && <Alert tone="error">{error}</Alert>}
      <Button
        type="button"
        variant="secondary"
        className="w-full"
        onClick={enroll}
        disabled={pending}
        data-testid="enroll-passkey"
      >
        <PasskeyIcon />
        {pending ? "Waiting for your device…" : "Set up a passkey"}
      </Button>
      <p className="text-center text-xs text-zinc-500 dark:text-zinc-400">
        Use this device's screen lock, your phone or a security key.
      </p>
    </div>
  );
}
