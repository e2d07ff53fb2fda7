"use server";

import { confirmEmailChange } from "@/lib/auth/email-change";
import { currentClient } from "@/lib/auth/web-session";
import { failureState, formFields, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

export type ConfirmEmailState = FormState & { email?: string };

export async function confirmEmailAction(_: ConfirmEmailState, formData: FormData): Promise<ConfirmEmailState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const result = await confirmEmailChange(formFields(formData, ["token"]).token, await currentClient());
  return result.ok ? { email: result.value.email } : failureState(result);
}
