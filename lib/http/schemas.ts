import { z } from "zod";
import { optionalText, requiredText, secretText } from "./fields";

/** Request bodies of the JSON API. The OpenAPI description is generated from these. */

export const LoginBody = z.object({
  username: requiredText(254).meta({ description: "Username or e-mail address (case-insensitive)." }),
  password: secretText(),
});

export const RegisterBody = z.object({ username: requiredText(150), email: requiredText(254), password: secretText() });

/** A browser PublicKeyCredential in WebAuthn JSON form; a JSON string of it is accepted too. */
export const PasskeyResponse = z
  .union([z.record(z.string(), z.unknown()), z.string().max(32_768)])
  .transform((v, ctx) => {
    if (typeof v !== "string") return v;
    try {
      const parsed: unknown = JSON.parse(v);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // fall through to the issue below
    }
    ctx.addIssue({ code: "custom", message: "Must be a PublicKeyCredential object." });
    return z.NEVER;
  });

export const VerifyBody = z.object({
  session_id: requiredText(64).meta({ description: "From the sign-in answer." }),
  totp_token: optionalText(32).meta({ description: "Six-digit code from the authenticator app." }),
  backup_code: optionalText(64).meta({ description: "One unused backup code." }),
  passkey_response: PasskeyResponse.nullish().meta({
    description: "navigator.credentials.get() result as WebAuthn JSON (an object, or a JSON string of one).",
  }),
});

export const BackupVerifyBody = z.object({ session_id: requiredText(64), backup_code: requiredText(64) });

/** SimpleJWT's `{refresh}`; `refresh_token` is accepted as an alias. */
export const RefreshBody = z
  .object({
    refresh: optionalText(2048).meta({ description: "The refresh token." }),
    refresh_token: optionalText(2048).meta({ description: "Alias of `refresh`." }),
  })
  .transform((v, ctx) => {
    const token = v.refresh ?? v.refresh_token;
    if (token === undefined) {
      ctx.addIssue({ code: "custom", message: "This field is required.", path: ["refresh"] });
      return z.NEVER;
    }
    return token;
  });

export const SessionIdBody = z.object({ session_id: requiredText(64) });

export const TotpTokenBody = z.object({ totp_token: requiredText(32) });

export const LoginTotpVerifyBody = z.object({ session_id: requiredText(64), totp_token: requiredText(32) });

/**
 * Step-up proof accepted by sensitive endpoints: the password, a TOTP code, a backup code, or a
 * passkey assertion answering POST /api/auth/reauthenticate/passkey/options. Which one counts is
 * the policy's choice (lib/auth/policy/assurance-policy.ts): a second factor when the account has one.
 */
export const StepUpFields = {
  password: optionalText(1024).meta({ description: "Step-up proof: the account password." }),
  totp_token: optionalText(32).meta({ description: "Step-up proof: a current TOTP code." }),
  backup_code: optionalText(64).meta({ description: "Step-up proof: an unused backup code (it is spent)." }),
  passkey_response: PasskeyResponse.nullish(),
};
export const StepUpBody = z.object(StepUpFields);

/** SimpleJWT's token-verify body, which POST /api/auth/token/verify takes besides VerifyBody. */
export const TokenVerifyBody = z
  .object({ token: z.string().meta({ description: "An access token to check." }) })
  .meta({ description: "SimpleJWT's token-verify form; sent without session_id." });

/** A non-string token is ignored as if absent: logging out is idempotent whatever the body says. */
const ignoredUnlessText = z.string().optional().catch(undefined);

export const LogoutBody = z.object({ refresh: ignoredUnlessText, refresh_token: ignoredUnlessText }).meta({
  description: "A refresh token of the session to end; without one, the session of the Bearer access token ends.",
});
