"use client";

import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { useStepUpAction } from "@/components/step-up/step-up-dialog";
import { createApiKeyAction, type CreateApiKeyState } from "./actions";

const PRESET_DAYS = [7, 30, 90, 180, 365];

/** Lifespans the site accepts: presets up to the maximum (and the maximum itself), "never" if allowed. */
function expiryChoices(maxDays: number | null, allowNever: boolean): { value: string; label: string }[] {
  const days = PRESET_DAYS.filter((d) => maxDays === null || d <= maxDays);
  if (maxDays !== null && !days.includes(maxDays)) days.push(maxDays);
  const choices = days.map((d) => ({ value: String(d), label: d === 1 ? "1 day" : `${d} days` }));
  return allowNever ? [...choices, { value: "never", label: "Never" }] : choices;
}

type Props = {
  allowIndefinite: boolean;
  maxLifespanDays: number | null;
  authScheme: string;
  site: string;
  atLimit: boolean;
  maxPerUser: number;
};

export function CreateApiKeyForm({ allowIndefinite, maxLifespanDays, authScheme, site, atLimit, maxPerUser }: Props) {
  const [state, action, pending] = useActionState<CreateApiKeyState, FormData>(useStepUpAction(createApiKeyAction), {});
  const [dismissed, setDismissed] = useState<number | null>(null);
  const choices = expiryChoices(maxLifespanDays, allowIndefinite);
  const fallback = choices.find((c) => c.value === "90")?.value ?? choices[choices.length - 1]?.value;

  if (state.created && state.created.id !== dismissed) {
    const created = state.created;
    return (
      <NewApiKey
        apiKey={created.key}
        name={created.name}
        expiresAt={created.expiresAt}
        authScheme={authScheme}
        site={site}
        onDone={() => setDismissed(created.id)}
      />
    );
  }
  if (atLimit) {
    return (
      <Alert tone="warning">
        You have {maxPerUser} active keys, the most this site allows. Revoke one to create another.
      </Alert>
    );
  }
  const error = (name: string) => state.fieldErrors?.[name]?.[0];
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Name"
          name="name"
          maxLength={255}
          placeholder="e.g. CI deploy, backup script"
          defaultValue={state.values?.name}
          error={error("name")}
          hint="So you can tell your keys apart."
        />
        <div>
          <label htmlFor="expires_in_days" className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
            Expires after
          </label>
          <select
            id="expires_in_days"
            name="expires_in_days"
            defaultValue={state.values?.expires_in_days || fallback}
            className={`mt-1.5 ${inputClass}`}
          >
            {choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          {error("expires_in_days") && (
            <p className="mt-1 text-xs text-red-600 dark:text-red-400">{error("expires_in_days")}</p>
          )}
        </div>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create API key"}
      </Button>
    </form>
  );
}

function NewApiKey({
  apiKey,
  name,
  expiresAt,
  authScheme,
  site,
  onDone,
}: {
  apiKey: string;
  name: string;
  expiresAt: string | null;
  authScheme: string;
  site: string;
  onDone: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-4">
      <Alert tone="success">
        API key {name ? <strong>{name}</strong> : null} created
        {expiresAt ? `; it expires on ${expiresAt.slice(0, 10)}` : "; it does not expire"}.
      </Alert>
      <Alert tone="warning">
        <strong>Copy this key now.</strong> It is shown only this once: the site keeps only a fingerprint of it and
        cannot show it again. Treat it like a password.
      </Alert>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-stretch">
        <code
          data-testid="new-api-key"
          className="block grow break-all rounded-md bg-zinc-100 px-3 py-2 font-mono text-sm text-zinc-900 ring-1 ring-zinc-200 dark:bg-zinc-950 dark:text-zinc-100 dark:ring-zinc-800"
        >
          {apiKey}
        </code>
        <Button
          type="button"
          variant="secondary"
          onClick={() => {
            void navigator.clipboard.writeText(apiKey).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy key"}
        </Button>
      </div>
      <div>
        <p className="text-xs font-medium text-zinc-500 dark:text-zinc-400">Try it</p>
        <code className="mt-1 block break-all rounded-md bg-zinc-100 px-3 py-2 font-mono text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
          curl -H &quot;Authorization: {authScheme} {apiKey}&quot; {site}/api/me
        </code>
      </div>
      <Button type="button" onClick={onDone}>
        I have copied the key
      </Button>
    </div>
  );
}
