"use server";

import { redirect } from "next/navigation";
import { resetPassword } from "@/lib/auth/password-reset";
import { currentClient } from "@/lib/auth/web-session";
import { FIELD_MESSAGES } from "@/lib/http/fields";
import { failureState, fieldFailure, formFields, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

/** Sets the new password; the link is spent and every session ends, so the user signs in afresh. */
export async function resetPasswordAction(_: FormState, formData: FormData): Promise<FormState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["token", "new_password", "confirm"]);
  if (!fields.new_password) return fieldFailure("new_password", FIELD_MESSAGES.blank);
  if (fields.new_password !== fields.confirm) return fieldFailure("confirm", FIELD_MESSAGES.passwordsDiffer);
  const result = await resetPassword(fields.token, fields.new_password, await currentClient());
  if (!result.ok) return failureState(result);
  redirect("/login?reset=1");
}
