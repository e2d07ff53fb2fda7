"use server";

import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { ERRORS } from "@/lib/auth/errors";
import { actorOf } from "@/lib/auth/sessions/guards";
import { beginPasskeyStepUp, reauthenticate, type StepUpProof } from "@/lib/auth/policy/step-up";
import { getWebUser } from "@/lib/auth/sessions/web-session";
import { publicAction } from "@/lib/http/action";
import { failureMessage } from "@/lib/http/form";

export type ReauthenticateResult = { ok: true } | { ok: false; error: string; signedOut?: boolean };

/** The dialog answers a signed-out browser by sending it to sign in (not a redirect: the page stays until then). */
const SIGNED_OUT = { ok: false as const, error: ERRORS.web_session_ended.message, signedOut: true };

/**
 * The step-up dialog's submit: the proof the policy asks of this account. A password, a code (six
 * digits read as an authenticator code, anything else as a backup code) or a passkey assertion
 * (`passkey_response`, JSON). Success refreshes that factor's time on this session.
 */
export const reauthenticateAction = publicAction.submit(
  { form: ["password", "code", "passkey_response"], invalid: { ok: false, error: ERRORS.validation_error.message } },
  async ({ fields, client }): Promise<ReauthenticateResult> => {
    const user = await getWebUser();
    if (!user) return SIGNED_OUT;
    const code = fields.code.replace(/[\s-]/g, "");
    if (fields.password.length > 1024 || code.length > 64 || fields.passkey_response.length > 32_768)
      return { ok: false, error: ERRORS.invalid_reauth.message };
    const proof: StepUpProof = fields.password
      ? { password: fields.password }
      : fields.passkey_response
        ? { passkeyResponse: parseJsonObject(fields.passkey_response) ?? { invalid: true } }
        : /^\d{6}$/.test(code)
          ? { totpToken: code }
          : code
            ? { backupCode: code }
            : {};
    const result = await reauthenticate(actorOf(user), proof, client);
    if (result.ok) return { ok: true };
    return {
      ok: false,
      error: result.code === "validation_error" ? ERRORS.reauth_proof_missing.message : failureMessage(result),
    };
  },
);

/** Options for the dialog's "Use a passkey": a challenge bound to this browser session. */
export const beginPasskeyStepUpAction = publicAction.call(
  {},
  async (): Promise<{ options: PublicKeyCredentialRequestOptionsJSON } | { error: string; signedOut?: boolean }> => {
    const user = await getWebUser();
    if (!user) return { error: SIGNED_OUT.error, signedOut: true };
    const begun = await beginPasskeyStepUp(actorOf(user));
    return begun.ok ? { options: begun.value.options } : { error: failureMessage(begun) };
  },
);

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
