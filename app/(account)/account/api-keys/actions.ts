"use server";

import { revalidatePath } from "next/cache";
import { createUserApiKey, revokeUserApiKey } from "@/lib/auth/api-access/api-keys";
import { userAction } from "@/lib/http/action";
import { CreateApiKeyBody, parseApiKeyId } from "@/lib/http/api-key-schemas";
import { stepUpProof } from "@/lib/http/auth-responses";
import { codeFailure, failureState, parseForm, type FormState } from "@/lib/http/form";

export type CreateApiKeyState = FormState & {
  created?: { id: number; name: string; key: string; expiresAt: string | null };
};
export type RevokeApiKeyState = FormState & { done?: boolean };

const PAGE = "/account/api-keys";

export const createApiKeyAction = userAction.form(
  { page: PAGE, form: ["name", "expires_in_days", "password", "totp_token"] },
  async ({ fields: f, actor, client }): Promise<CreateApiKeyState> => {
    const values = { name: f.name, expires_in_days: f.expires_in_days };
    // The API's schema; the form's "never" is the API's absent lifespan.
    const input: Record<string, string> = { name: f.name, password: f.password, totp_token: f.totp_token };
    if (f.expires_in_days !== "never") input.expires_in_days = f.expires_in_days;
    const parsed = parseForm(CreateApiKeyBody, input);
    if (!parsed.ok) return { ...parsed.state, values };
    const { name, expires_in_days } = parsed.value;
    const created = await createUserApiKey(
      actor,
      { name, expiresInDays: expires_in_days },
      stepUpProof(parsed.value),
      client,
    );
    if (!created.ok) return failureState(created, values);
    revalidatePath(PAGE);
    const key = created.value;
    return { created: { id: key.id, name: key.name, key: key.key, expiresAt: key.expiresAt?.toISOString() ?? null } };
  },
);

export const revokeApiKeyAction = userAction.form(
  { page: PAGE, form: ["id"] },
  async ({ fields, actor, client }): Promise<RevokeApiKeyState> => {
    const id = parseApiKeyId(fields.id);
    if (id === null) return codeFailure("api_key_not_found");
    const result = await revokeUserApiKey(actor, id, client);
    if (!result.ok) return failureState(result);
    revalidatePath(PAGE);
    return { done: true };
  },
);
