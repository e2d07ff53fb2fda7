import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { TotpSetupDetails } from "./totp-setup-details";

type Props = {
  /** The server action that checks the code (useActionState's dispatcher). */
  action: (form: FormData) => void;
  setup: { secret: string; qrCode: string };
  error?: string | null;
  pending: boolean;
  /** Where to go afterwards, for the sign-in flows; sent back with the code. */
  next?: string;
  /** Full-width layout of the sign-in and admin cards. */
  wide?: boolean;
};

/** The second half of authenticator-app setup: the QR code and key, then a code that proves it. */
export function TotpConfirmForm({ action, setup, error, pending, next, wide = false }: Props) {
  return (
    <form action={action} className={wide ? "space-y-5" : "max-w-md space-y-4"} noValidate>
      {error && <Alert tone="error">{error}</Alert>}
      <TotpSetupDetails secret={setup.secret} qrCode={setup.qrCode} />
      {next !== undefined && <input type="hidden" name="next" value={next} />}
      <Field
        label="Code from the app"
        name="totp_token"
        inputMode="numeric"
        maxLength={6}
        autoComplete="one-time-code"
        required
      />
      <Button type="submit" className={wide ? "w-full" : ""} disabled={pending}>
        {pending ? "Verifying…" : "Verify and turn on"}
      </Button>
    </form>
  );
}
