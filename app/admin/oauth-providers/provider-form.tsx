"use client";

import { useActionState, useState } from "react";
import type { AdminAction, AdminActionState, StepUpView } from "@/components/admin/action-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";

export type ProviderFormValues = {
  id: string;
  type: string;
  displayName: string;
  clientId: string;
  issuer: string;
  enabled: boolean;
  trustEmail: boolean;
  trustedEmailDomains: string;
};

/** Add or edit a provider. The client secret is write-only: it is never sent to the browser, and blank keeps it. */
export function ProviderForm({
  action,
  initial,
  mode,
  stepUp,
  redirectBase,
}: {
  action: AdminAction;
  initial: ProviderFormValues;
  mode: "create" | "edit";
  stepUp: StepUpView;
  redirectBase: string;
}) {
  const [state, run, pending] = useActionState<AdminActionState, FormData>(action, {});
  const values = state.values;
  const [type, setType] = useState(values?.type ?? initial.type);
  const [id, setId] = useState(values?.id ?? initial.id);
  const err = (name: string) => state.fieldErrors?.[name]?.[0];
  const askProof = !stepUp.fresh || state.fieldErrors?.step_up !== undefined;
  return (
    <form action={run} className="max-w-xl space-y-5" noValidate>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      {mode === "create" ? (
        <Field
          label="Id"
          name="id"
          value={id}
          onChange={(e) => setId(e.target.value)}
          required
          maxLength={40}
          pattern="[a-z0-9-]+"
          error={err("id")}
          hint="Lower-case letters, digits and hyphens; part of the callback URL."
        />
      ) : (
        <input type="hidden" name="id" value={initial.id} />
      )}
      <div>
        <label htmlFor="provider-type" className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
          Type
        </label>
        <select
          id="provider-type"
          name="type"
          value={type}
          onChange={(e) => setType(e.target.value)}
          className={`mt-1.5 ${inputClass}`}
        >
          <option value="github">GitHub</option>
          <option value="google">Google</option>
          <option value="oidc">OpenID Connect</option>
        </select>
      </div>
      <Field
        label="Display name"
        name="display_name"
        defaultValue={values?.display_name ?? initial.displayName}
        required
        maxLength={60}
        error={err("displayName")}
      />
      <Field
        label="Client id"
        name="client_id"
        defaultValue={values?.client_id ?? initial.clientId}
        required
        maxLength={512}
        autoComplete="off"
        spellCheck={false}
        error={err("clientId")}
      />
      <Field
        label="Client secret"
        name="client_secret"
        type="password"
        autoComplete="new-password"
        required={mode === "create"}
        maxLength={1024}
        error={err("clientSecret")}
        hint={
          mode === "create"
            ? "Stored encrypted; it is never shown again."
            : "Leave blank to keep the stored secret. It is stored encrypted and never shown."
        }
      />
      {type === "oidc" && (
        <Field
          label="Issuer URL"
          name="issuer"
          type="url"
          defaultValue={values?.issuer ?? initial.issuer}
          placeholder="https://login.example.com"
          error={err("issuer")}
          hint="The OpenID Connect issuer (discovery at /.well-known/openid-configuration)."
        />
      )}
      {type === "oidc" ? (
        <fieldset className="space-y-3 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
          <div className="flex items-start gap-2">
            <input
              id="provider-trust-email"
              type="checkbox"
              name="trust_email"
              defaultChecked={values ? values.trust_email === "on" : initial.trustEmail}
              className="mt-0.5 size-4 accent-indigo-600"
            />
            <label htmlFor="provider-trust-email" className="text-sm text-zinc-800 dark:text-zinc-200">
              Trust its verified e-mail addresses: a first sign-in joins the existing account with that (confirmed)
              address. Only for an issuer that owns the addresses it vouches for, such as your company&apos;s own
              identity provider.
            </label>
          </div>
          <Field
            label="Only for these domains"
            name="trusted_email_domains"
            defaultValue={values?.trusted_email_domains ?? initial.trustedEmailDomains}
            placeholder="corp.example, corp-mail.example"
            autoComplete="off"
            spellCheck={false}
            error={err("trustedEmailDomains")}
            hint="Comma-separated. Empty trusts every domain; list your own. Without trust, a user with an existing account signs in with the password and links the provider on the account page."
          />
        </fieldset>
      ) : (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          GitHub (verified primary address) and Google verify their addresses: a first sign-in joins an existing account
          with the same confirmed address.
        </p>
      )}
      <div className="flex items-center gap-2">
        <input
          id="provider-enabled"
          type="checkbox"
          name="enabled"
          defaultChecked={values ? values.enabled === "on" : initial.enabled}
          className="size-4 accent-indigo-600"
        />
        <label htmlFor="provider-enabled" className="text-sm text-zinc-800 dark:text-zinc-200">
          Enabled (offered on the sign-in page)
        </label>
      </div>
      {(id || initial.id) && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Callback URL to register with the provider:{" "}
          <code className="break-all font-mono">{`${redirectBase}/${id || initial.id}`}</code>
        </p>
      )}
      {askProof && (
        <fieldset className="space-y-2">
          <legend className="text-xs text-zinc-600 dark:text-zinc-400">
            Confirm it is you (your last confirmation is more than {stepUp.minutes} minutes old).
          </legend>
          <div className="grid gap-3 sm:grid-cols-2">
            {stepUp.hasPassword && (
              <Field
                id="provider-password"
                label="Your password"
                name="password"
                type="password"
                autoComplete="current-password"
              />
            )}
            {stepUp.hasTotp && (
              <Field
                id="provider-totp"
                label={stepUp.hasPassword ? "…or authenticator code" : "Authenticator code"}
                name="totp_token"
                inputMode="numeric"
                maxLength={6}
                autoComplete="one-time-code"
              />
            )}
          </div>
        </fieldset>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : mode === "create" ? "Add provider" : "Save changes"}
      </Button>
    </form>
  );
}
