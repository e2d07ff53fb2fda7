"use server";

import { redirect } from "next/navigation";
import { resetPassword } from "@/lib/auth/password-reset";
import { currentClient } from "@/lib/auth/web-session";
import { failureState, formFields, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

/** Sets the new password; the link is spent and every session ends, so the user signs in afresh. */
export async function resetPasswordAction(_: FormState, formData: FormData): Promise<FormState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["token", "new_password", "confirm"]);
  if (!fields.new_password) return { error: "Please correct the highlighted fields.", fieldErrors: { new_password: ["This field may not be blank."] } };
  if (fields.new_password !== fields.confirm) return { error: "Please correct the highlighted fields.", fieldErrors: { confirm: ["The two passwords do not match."] } };
  const result = await resetPassword(fields.token, fields.new_password, await currentClient());
  if (!result.ok) return failureState(result);
  redirect("/login?reset=1");
}
