"use client";

import { startRegistration } from "@simplewebauthn/browser";
import { startTransition, useActionState, useEffect, useState } from "react";
import { BackupCodesPanel } from "@/components/backup-codes/backup-codes-panel";
import { TotpConfirmForm } from "@/components/totp/totp-confirm-form";
import { describeWebAuthnError } from "@/components/passkeys/webauthn-messages";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  beginPasskeyEnrollmentAction,
  beginTotpEnrollmentAction,
  confirmPasskeyEnrollmentAction,
  confirmTotpEnrollmentAction,
  finishEnrollmentAction,
  type EnrollState,
} from "./actions";

type Method = "totp" | "passkey";

/** First-time setup for staff without a factor: pick one with one click, prove it, keep the backup codes. */
export function EnrollPanel({
  next,
  username,
  site,
  totpAvailable,
  passkeyAvailable,
}: {
  next: string;
  username: string;
  site: string;
  totpAvailable: boolean;
  passkeyAvailable: boolean;
}) {
  const [method, setMethod] = useState<Method | null>(null);
  const [totpBegun, beginTotp, startingTotp] = useActionState<EnrollState, FormData>(beginTotpEnrollmentAction, {});
  const [totpDone, confirmTotp, confirmingTotp] = useActionState<EnrollState, FormData>(
    confirmTotpEnrollmentAction,
    {},
  );
  const [passkeyBegun, beginPasskey, startingPasskey] = useActionState<EnrollState, FormData>(
    beginPasskeyEnrollmentAction,
    {},
  );
  const [passkeyDone, confirmPasskey, confirmingPasskey] = useActionState<EnrollState, FormData>(
    confirmPasskeyEnrollmentAction,
    {},
  );
  const [ceremonyError, setCeremonyError] = useState<string | null>(null);

  useEffect(() => {
    const started = passkeyBegun.passkey;
    if (!started) return;
    let cancelled = false;
    startRegistration({ optionsJSON: started.options })
      .then((response) => {
        if (cancelled) return;
        const form = new FormData();
        form.set("challenge_id", started.challengeId);
        form.set("passkey_response", JSON.stringify(response));
        form.set("next", next);
        startTransition(() => confirmPasskey(form));
      })
      .catch((error: unknown) => {
        if (!cancelled) setCeremonyError(describeWebAuthnError(error, "create"));
      });
    return () => {
      cancelled = true;
    };
  }, [passkeyBegun.passkey, next, confirmPasskey]);

  const codes = totpDone.backupCodes ?? passkeyDone.backupCodes;
  if (codes) {
    return (
      <div className="space-y-5">
        <Alert tone="success">
          Two-factor authentication is on and this session is verified. Save your backup codes, then continue.
        </Alert>
        <BackupCodesPanel codes={codes} username={username} site={site} />
        <form action={finishEnrollmentAction}>
          <input type="hidden" name="next" value={next} />
          <Button type="submit" className="w-full">
            I have saved my codes — continue to the dashboard
          </Button>
        </form>
      </div>
    );
  }

  const totpSetup = totpDone.totp ?? totpBegun.totp;
  if (method === "totp" && totpSetup) {
    return (
      <TotpConfirmForm
        action={confirmTotp}
        setup={totpSetup}
        error={totpDone.error}
        pending={confirmingTotp}
        next={next}
        wide
      />
    );
  }

  const error =
    method === "totp"
      ? totpBegun.error
      : method === "passkey"
        ? (ceremonyError ?? passkeyDone.error ?? passkeyBegun.error)
        : null;
  const busy = startingTotp || startingPasskey || confirmingPasskey;
  return (
    <div className="space-y-4">
      {error && <Alert tone="error">{error}</Alert>}
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        Choose how you will confirm it is you. You can add the other one later under My security.
      </p>
      <div className="grid gap-3">
        {passkeyAvailable && (
          <form
            action={(form) => {
              setMethod("passkey");
              setCeremonyError(null);
              beginPasskey(form);
            }}
          >
            <input type="hidden" name="next" value={next} />
            <Button type="submit" className="w-full" disabled={busy}>
              {method === "passkey" && (startingPasskey || confirmingPasskey)
                ? "Waiting for your passkey…"
                : "Set up a passkey"}
            </Button>
          </form>
        )}
        {totpAvailable && (
          <form
            action={(form) => {
              setMethod("totp");
              beginTotp(form);
            }}
          >
            <input type="hidden" name="next" value={next} />
            <Button
              type="submit"
              variant={passkeyAvailable ? "secondary" : "primary"}
              className="w-full"
              disabled={busy}
            >
              {method === "totp" && startingTotp ? "Preparing…" : "Set up an authenticator app"}
            </Button>
          </form>
        )}
      </div>
      {!totpAvailable && !passkeyAvailable && (
        <Alert tone="warning">
          Both authenticator apps and passkeys are turned off on this site, so no factor can be set up.
        </Alert>
      )}
    </div>
  );
}
