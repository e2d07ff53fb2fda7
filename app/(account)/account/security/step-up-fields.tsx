import { Field } from "@/components/ui/field";

/** Re-proving identity before a sensitive change: the password, or a code when there is none. */
export function StepUpFields({
  hasPassword,
  hasTotp,
  idPrefix,
  error,
}: {
  hasPassword: boolean;
  hasTotp: boolean;
  idPrefix: string;
  error?: string;
}) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {hasPassword && (
        <Field
          id={`${idPrefix}-password`}
          label="Current password"
          name="password"
          type="password"
          autoComplete="current-password"
          error={error}
        />
      )}
      {hasTotp && (
        <Field
          id={`${idPrefix}-totp`}
          label={hasPassword ? "…or authenticator code" : "Authenticator code"}
          name="totp_token"
          inputMode="numeric"
          maxLength={6}
          autoComplete="one-time-code"
        />
      )}
    </div>
  );
}
