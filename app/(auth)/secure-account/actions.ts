"use server";

import { secureAccountWithLink } from "@/lib/auth/security-mail";
import { currentClient } from "@/lib/auth/web-session";
import { failureState, formFields, type FormState } from "@/lib/http/form";

export type SecureAccountState = FormState & { done?: { username: string; sessionsEnded: number; done: string[]; resetToken: string } };

export async function secureAccountAction(_: SecureAccountState, formData: FormData): Promise<SecureAccountState> {
  const { token } = formFields(formData, ["token"]);
  const result = await secureAccountWithLink(token, await currentClient());
  return result.ok ? { done: result.value } : failureState(result);
}
