import { z } from "zod";
import type { PasskeyView } from "@/lib/auth/passkeys/user-passkeys";
import { optionalText, requiredText } from "./fields";
import { PasskeyResponse, StepUpFields } from "./schemas";

/** Request bodies and response shapes of the passkey endpoints. */

const passkeyResponse = PasskeyResponse.nullish().transform((v, ctx) => {
  if (v === null || v === undefined) {
    ctx.addIssue({ code: "custom", message: v === null ? "This field may not be null." : "This field is required." });
    return z.NEVER;
  }
  return v;
});

/** `session_id` + the browser's credential JSON (+ an optional name when registering). */
export const PasskeyVerifyBody = z.object({
  session_id: requiredText(64).meta({ description: "The session_id that came with the registration options." }),
  passkey_response: passkeyResponse.meta({ description: "navigator.credentials.create() result as WebAuthn JSON." }),
  name: optionalText(64).meta({ description: "Optional label for the passkey." }),
});

export const PasskeyLoginBody = z.object({
  session_id: requiredText(64).meta({ description: "The session_id that came with the options." }),
  passkey_response: passkeyResponse.meta({ description: "navigator.credentials.get() result as WebAuthn JSON." }),
});

export const PasskeyRenameBody = z.object({ name: requiredText(64) });

/** The step-up proof; `credential_id` may come here instead of the query string. */
export const PasskeyRemoveBody = z.object({
  ...StepUpFields,
  credential_id: optionalText(1024).meta({ description: "The credential to remove, if not given in the query." }),
});

/** The keys django-lokdown's credential list sends, plus what this app also records. */
export function passkeyJson(passkey: PasskeyView) {
  return {
    id: passkey.id,
    credential_id: passkey.credentialId,
    sign_count: passkey.counter,
    rp_id: passkey.rpId,
    user_handle: passkey.userHandle,
    created_at: passkey.createdAt.toISOString(),
    last_used: passkey.lastUsedAt?.toISOString() ?? null,
    name: passkey.name,
    transports: passkey.transports,
    device_type: passkey.deviceType,
    backed_up: passkey.backedUp,
    aaguid: passkey.aaguid,
    authenticator: passkey.authenticator,
  };
}
