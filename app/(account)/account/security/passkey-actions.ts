"use server";

import { revalidatePath } from "next/cache";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { ERRORS, type ErrorCode, type Failure } from "@/lib/auth/errors";
import { actorOf, requireWebUser } from "@/lib/auth/guards";
import { beginPasskeyRegistration, registerPasskey, removeUserPasskey, renameUserPasskey } from "@/lib/auth/passkeys";
import { currentClient } from "@/lib/auth/web-session";
import { failureState, formFields, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

const PAGE = "/account/security";

export type PasskeyFormState = FormState & { done?: boolean };

const messageOf = (failure: Failure) => failure.message ?? ERRORS[failure.code].message;

/** `code` lets the client open the step-up dialog on a step-up refusal and try again. */
export async function beginAddPasskeyAction(): Promise<{ sessionId: string; options: PublicKeyCredentialCreationOptionsJSON } | { error: string; code: ErrorCode }> {
  const user = await requireWebUser(PAGE);
  const result = await beginPasskeyRegistration(actorOf(user), await currentClient());
  return result.ok ? result.value : { error: messageOf(result), code: result.code };
}

export async function finishAddPasskeyAction(sessionId: string, response: unknown, name: string): Promise<{ name: string } | { error: string }> {
  const user = await requireWebUser(PAGE);
  if (typeof sessionId !== "string" || typeof name !== "string") return { error: ERRORS.validation_error.message };
  const result = await registerPasskey(actorOf(user), sessionId, response, name, await currentClient());
  if (!result.ok) {
    if (result.code === "invalid_session" || result.code === "session_used") return { error: "That took too long. Please try again." };
    return { error: messageOf(result) };
  }
  revalidatePath(PAGE);
  return { name: result.value.name };
}

export async function renamePasskeyAction(_: PasskeyFormState, formData: FormData): Promise<PasskeyFormState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(PAGE);
  const fields = formFields(formData, ["id", "name"]);
  const id = /^\d{1,15}$/.test(fields.id) ? Number(fields.id) : -1;
  const result = await renameUserPasskey(user.id, id, fields.name, await currentClient());
  if (!result.ok) return failureState(result, { name: fields.name });
  revalidatePath(PAGE);
  return { done: true };
}

export async function removePasskeyAction(_: PasskeyFormState, formData: FormData): Promise<PasskeyFormState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(PAGE);
  const fields = formFields(formData, ["credential_id", "password", "totp_token"]);
  const proof = { password: fields.password || undefined, totpToken: fields.totp_token.trim() || undefined };
  const result = await removeUserPasskey(actorOf(user), fields.credential_id, proof, await currentClient());
  if (!result.ok) return failureState(result);
  revalidatePath(PAGE);
  return { done: true };
}
