"use server";

import { revalidatePath } from "next/cache";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { ERRORS, type ErrorCode, type Failure } from "@/lib/auth/errors";
import {
  beginPasskeyRegistration,
  registerPasskey,
  removeUserPasskey,
  renameUserPasskey,
} from "@/lib/auth/passkeys/user-passkeys";
import { userAction } from "@/lib/http/action";
import { failureState, type FormState } from "@/lib/http/form";

const PAGE = "/account/security";

export type PasskeyFormState = FormState & { done?: boolean };

const messageOf = (failure: Failure) => failure.message ?? ERRORS[failure.code].message;

/** `code` lets the client open the step-up dialog on a step-up refusal and try again. */
export const beginAddPasskeyAction = userAction.call(
  { page: PAGE },
  async ({
    actor,
    client,
  }): Promise<
    { sessionId: string; options: PublicKeyCredentialCreationOptionsJSON } | { error: string; code: ErrorCode }
  > => {
    const result = await beginPasskeyRegistration(actor, client);
    return result.ok ? result.value : { error: messageOf(result), code: result.code };
  },
);

export const finishAddPasskeyAction = userAction.args(
  { page: PAGE, args: [z.string(), z.unknown(), z.string()], invalid: { error: ERRORS.validation_error.message } },
  async ({ input: [sessionId, response, name], actor, client }): Promise<{ name: string } | { error: string }> => {
    const result = await registerPasskey(actor, sessionId, response, name, client);
    if (!result.ok) {
      if (result.code === "invalid_session" || result.code === "session_used")
        return { error: ERRORS.passkey_timed_out.message };
      return { error: messageOf(result) };
    }
    revalidatePath(PAGE);
    return { name: result.value.name };
  },
);

export const renamePasskeyAction = userAction.form(
  { page: PAGE, form: ["id", "name"] },
  async ({ fields, user, client }): Promise<PasskeyFormState> => {
    const id = /^\d{1,15}$/.test(fields.id) ? Number(fields.id) : -1;
    const result = await renameUserPasskey(user.id, id, fields.name, client);
    if (!result.ok) return failureState(result, { name: fields.name });
    revalidatePath(PAGE);
    return { done: true };
  },
);

export const removePasskeyAction = userAction.form(
  { page: PAGE, form: ["credential_id", "password", "totp_token"] },
  async ({ fields, actor, client }): Promise<PasskeyFormState> => {
    const proof = { password: fields.password || undefined, totpToken: fields.totp_token.trim() || undefined };
    const result = await removeUserPasskey(actor, fields.credential_id, proof, client);
    if (!result.ok) return failureState(result);
    revalidatePath(PAGE);
    return { done: true };
  },
);
