"use server";

import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { ERRORS } from "@/lib/auth/errors";
import { actorOf } from "@/lib/auth/guards";
import { beginPasskeyStepUp, reauthenticate, type StepUpProof } from "@/lib/auth/step-up";
import { currentClient, getWebUser } from "@/lib/auth/web-session";
import { failureState, formFields } from "@/lib/http/form";
import { isBadActionInput } from "@/lib/http/action-input";

export type ReauthenticateResult = { ok: true } | { ok: false; error: string; signedOut?: boolean };

const SIGNED_OUT = { ok: false as const, error: "Your session has ended. Sign in again.", signedOut: true };

/**
 * The step-up dialog's submit: the proof the policy asks of this account. A password, a code (six
 * digits read as an authenticator code, anything else as a backup code) or a passkey assertion
 * (`passkey_response`, JSON). Success refreshes that factor's time on this session.
 */
export async function reauthenticateAction(formData: FormData): Promise<ReauthenticateResult> {
  if (isBadActionInput(formData)) return { ok: false, error: ERRORS.validation_error.message };
  const user = await getWebUser();
  if (!user) return SIGNED_OUT;
  const fields = formFields(formData, ["password", "code", "passkey_response"]);
  const code = fields.code.replace(/[\s-]/g, "");
  if (fields.password.length > 1024 || code.length > 64 || fields.passkey_response.length > 32_768) return { ok: false, error: ERRORS.invalid_reauth.message };
  const proof: StepUpProof = fields.password
    ? { password: fields.password }
    : fields.passkey_response
      ? { passkeyResponse: parseJsonObject(fields.passkey_response) ?? { invalid: true } }
      : /^\d{6}$/.test(code)
        ? { totpToken: code }
        : code
          ? { backupCode: code }
          : {};
  const result = await reauthenticate(actorOf(user), proof, await currentClient());
  if (result.ok) return { ok: true };
  return { ok: false, error: result.code === "validation_error" ? "Enter the confirmation asked for." : (failureState(result).error ?? ERRORS.invalid_reauth.message) };
}

/** Options for the dialog's "Use a passkey": a challenge bound to this browser session. */
export async function beginPasskeyStepUpAction(): Promise<{ options: PublicKeyCredentialRequestOptionsJSON } | { error: string; signedOut?: boolean }> {
  const user = await getWebUser();
  if (!user) return { error: SIGNED_OUT.error, signedOut: true };
  const begun = await beginPasskeyStepUp(actorOf(user));
  return begun.ok ? { options: begun.value.options } : { error: failureState(begun).error ?? ERRORS.invalid_passkey.message };
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
