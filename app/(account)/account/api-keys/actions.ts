"use server";

import { revalidatePath } from "next/cache";
import { createUserApiKey, revokeUserApiKey } from "@/lib/auth/api-keys";
import { fail } from "@/lib/auth/errors";
import { actorOf, requireWebUser } from "@/lib/auth/guards";
import { currentClient } from "@/lib/auth/web-session";
import { CreateApiKeyBody, parseApiKeyId } from "@/lib/http/api-key-schemas";
import { stepUpProof } from "@/lib/http/auth-responses";
import { failureState, formFields, parseForm, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

export type CreateApiKeyState = FormState & { created?: { id: number; name: string; key: string; expiresAt: string | null } };
export type RevokeApiKeyState = FormState & { done?: boolean };

const PAGE = "/account/api-keys";

export async function createApiKeyAction(_: CreateApiKeyState, formData: FormData): Promise<CreateApiKeyState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(PAGE);
  const f = formFields(formData, ["name", "expires_in_days", "password", "totp_token"]);
  const values = { name: f.name, expires_in_days: f.expires_in_days };
  const input: Record<string, string> = { name: f.name, password: f.password, totp_token: f.totp_token };
  if (f.expires_in_days !== "never") input.expires_in_days = f.expires_in_days;
  const parsed = parseForm(CreateApiKeyBody, input);
  if (!parsed.ok) return { ...parsed.state, values };
  const { name, expires_in_days } = parsed.value;
  const created = await createUserApiKey(actorOf(user), { name, expiresInDays: expires_in_days }, stepUpProof(parsed.value), await currentClient());
  if (!created.ok) return failureState(created, values);
  revalidatePath(PAGE);
  const key = created.value;
  return { created: { id: key.id, name: key.name, key: key.key, expiresAt: key.expiresAt?.toISOString() ?? null } };
}

export async function revokeApiKeyAction(_: RevokeApiKeyState, formData: FormData): Promise<RevokeApiKeyState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(PAGE);
  const id = parseApiKeyId(formFields(formData, ["id"]).id);
  if (id === null) return failureState(fail("api_key_not_found"));
  const result = await revokeUserApiKey(actorOf(user), id, await currentClient());
  if (!result.ok) return failureState(result);
  revalidatePath(PAGE);
  return { done: true };
}
