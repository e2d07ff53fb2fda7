"use client";

import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/browser";
import { useActionState, useState, useTransition, type FormEvent } from "react";
import { registerPasskeyInBrowser } from "@/components/passkeys/ceremony";
import { PasskeyIcon } from "@/components/passkeys/passkey-icon";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import {
  beginAddPasskeyAction,
  finishAddPasskeyAction,
  removePasskeyAction,
  renamePasskeyAction,
  type PasskeyFormState,
} from "./passkey-actions";
import { isStepUpRefusal, useStepUp, useStepUpAction } from "@/components/step-up/step-up-dialog";

/** What the page passes down for each passkey (dates already formatted on the server). */
export type PasskeyItem = {
  id: number;
  credentialId: string;
  name: string;
  authenticator: string | null;
  synced: boolean;
  createdAt: string;
  lastUsedAt: string | null;
};

type Props = {
  passkeys: PasskeyItem[];
  available: boolean;
  hasPassword: boolean;
  hasTotp: boolean;
  /** Staff under ADMIN_2FA_REQUIRED whose only factor is this one passkey. */
  lastFactorLocked: boolean;
};

export function PasskeysSection({ passkeys, available, hasPassword, hasTotp, lastFactorLocked }: Props) {
  return (
    <div className="space-y-5">
      {passkeys.length > 0 ? (
        <ul
          className="divide-y divide-zinc-200 rounded-lg ring-1 ring-zinc-200 dark:divide-zinc-800 dark:ring-zinc-800"
          aria-label="Your passkeys"
        >
          {passkeys.map((passkey) => (
            <PasskeyRow
              key={passkey.id}
              passkey={passkey}
              hasPassword={hasPassword}
              hasTotp={hasTotp}
              locked={lastFactorLocked}
            />
          ))}
        </ul>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          No passkeys yet. A passkey lets you sign in with your fingerprint, face or screen lock instead of a password,
          and counts as two-factor authentication.
        </p>
      )}
      {available ? (
        <AddPasskey />
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Adding passkeys is turned off on this site.</p>
      )}
    </div>
  );
}

function AddPasskey() {
  const [error, setError] = useState<string>();
  const [added, setAdded] = useState<string>();
  const [name, setName] = useState("");
  const [pending, startTransition] = useTransition();
  const ask = useStepUp();

  /** Adding a passkey is a policy action ("passkey.add"): on a step-up refusal, prove and retry once. */
  async function begin(): Promise<
    { sessionId: string; options: PublicKeyCredentialCreationOptionsJSON } | { error: string }
  > {
    const first = await beginAddPasskeyAction();
    if (!("code" in first) || !isStepUpRefusal(first.code) || !ask) return first;
    return (await ask()) ? beginAddPasskeyAction() : { error: "Nothing was changed: confirm it's you to continue." };
  }

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    setAdded(undefined);
    startTransition(async () => {
      const outcome = await registerPasskeyInBrowser({
        unsupported: "This browser does not support passkeys.",
        begin,
        finish: (begun, response) => finishAddPasskeyAction(begun.sessionId, response, name),
      });
      const answer = outcome.ok ? outcome.done : outcome;
      if ("error" in answer) {
        setError(answer.error);
        return;
      }
      setAdded(answer.name);
      setName("");
    });
  }

  return (
    <form onSubmit={add} className="space-y-3" noValidate>
      {error && <Alert tone="error">{error}</Alert>}
      {added && <Alert tone="success">Passkey “{added}” added. You can now use it to sign in.</Alert>}
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="sm:w-72">
          <Field
            id="new-passkey-name"
            label="Name (optional)"
            name="name"
            placeholder="e.g. Work laptop"
            maxLength={64}
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <Button type="submit" disabled={pending} data-testid="add-passkey">
          <PasskeyIcon />
          {pending ? "Waiting for your device…" : "Add a passkey"}
        </Button>
      </div>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Without a name, it is named after your device or password manager.
      </p>
    </form>
  );
}

function PasskeyRow({
  passkey,
  hasPassword,
  hasTotp,
  locked,
}: {
  passkey: PasskeyItem;
  hasPassword: boolean;
  hasTotp: boolean;
  locked: boolean;
}) {
  const [mode, setMode] = useState<"view" | "rename" | "remove">("view");
  const [renamed, rename, renaming] = useActionState<PasskeyFormState, FormData>(async (state, formData) => {
    const result = await renamePasskeyAction(state, formData);
    if (result.done) setMode("view");
    return result;
  }, {});
  const [removed, remove, removing] = useActionState<PasskeyFormState, FormData>(
    useStepUpAction(removePasskeyAction),
    {},
  );
  if (removed.done) return null;

  return (
    <li className="space-y-4 p-4" data-testid="passkey-row">
      <div className="flex items-start gap-3">
        <div className="rounded-md bg-indigo-50 p-2 text-indigo-600 dark:bg-indigo-950/60 dark:text-indigo-300">
          <PasskeyIcon />
        </div>
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-semibold text-zinc-900 dark:text-zinc-100" data-testid="passkey-name">
            {passkey.name}
          </p>
          <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
            {passkey.authenticator ?? "Unknown authenticator"} ·{" "}
            {passkey.synced ? "Synced across devices" : "On one device only"}
          </p>
          <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-500">
            Added {passkey.createdAt} · {passkey.lastUsedAt ? `Last used ${passkey.lastUsedAt}` : "Never used"}
          </p>
        </div>
        {mode === "view" && (
          <div className="flex shrink-0 gap-1">
            <Button type="button" variant="ghost" onClick={() => setMode("rename")}>
              Rename
            </Button>
            <Button
              type="button"
              variant="ghost"
              className="text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-950/40"
              onClick={() => setMode("remove")}
            >
              Remove
            </Button>
          </div>
        )}
      </div>

      {mode === "rename" && (
        <form action={rename} className="space-y-3 sm:pl-12" noValidate>
          {renamed.error && <Alert tone="error">{renamed.error}</Alert>}
          <input type="hidden" name="id" value={passkey.id} />
          <label
            htmlFor={`rename-${passkey.id}`}
            className="block text-sm font-medium text-zinc-800 dark:text-zinc-200"
          >
            New name
          </label>
          <div className="flex flex-col gap-2 sm:flex-row">
            <input
              id={`rename-${passkey.id}`}
              name="name"
              defaultValue={renamed.values?.name ?? passkey.name}
              maxLength={64}
              required
              autoFocus
              className={`${inputClass} sm:w-72`}
            />
            <div className="flex gap-2">
              <Button type="submit" disabled={renaming}>
                {renaming ? "Saving…" : "Save"}
              </Button>
              <Button type="button" variant="secondary" onClick={() => setMode("view")}>
                Cancel
              </Button>
            </div>
          </div>
        </form>
      )}

      {mode === "remove" &&
        (locked ? (
          <div className="space-y-3 sm:pl-12">
            <Alert tone="warning">
              Staff accounts must keep two-factor authentication. Add another passkey or an authenticator app before
              removing this one.
            </Alert>
            <Button type="button" variant="secondary" onClick={() => setMode("view")}>
              Back
            </Button>
          </div>
        ) : (
          <form action={remove} className="space-y-3 sm:pl-12" noValidate>
            {removed.error && <Alert tone="error">{removed.error}</Alert>}
            <p className="text-sm text-zinc-700 dark:text-zinc-300">
              Remove <strong>{passkey.name}</strong>? You will no longer be able to sign in with it.
            </p>
            <input type="hidden" name="credential_id" value={passkey.credentialId} />
            <div className="flex gap-2">
              <Button type="submit" variant="danger" disabled={removing}>
                {removing ? "Removing…" : "Remove passkey"}
              </Button>
              <Button type="button" variant="secondary" onClick={() => setMode("view")}>
                Cancel
              </Button>
            </div>
          </form>
        ))}
    </li>
  );
}
