"use server";

import { secureAccountWithLink } from "@/lib/auth/security-mail";
import { currentClient } from "@/lib/auth/web-session";
import { failureState, formFields, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

export type SecureAccountState = FormState & { done?: { username: string; sessionsEnded: number; done: string[]; resetToken: string } };

export async function secureAccountAction(_: SecureAccountState, formData: FormData): Promise<SecureAccountState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const { token } = formFields(formData, ["token"]);
  const result = await secureAccountWithLink(token, await currentClient());
  return result.ok ? { done: result.value } : failureState(result);
}
