"use server";

import { redirect } from "next/navigation";
import { cancelEmailChange, requestEmailChange } from "@/lib/auth/email-change";
import { actorOf, requireWebUser } from "@/lib/auth/guards";
import { changePassword } from "@/lib/auth/password-change";
import { currentClient } from "@/lib/auth/web-session";
import { FIELD_MESSAGES } from "@/lib/http/fields";
import { failureState, fieldFailure, formFields, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

const PAGE = "/account/profile";

export type PasswordState = FormState & { done?: { sessionsEnded: number } };
export type EmailState = FormState & { sentTo?: string };

/**
 * The current password is a field of the form (required when the account has one); any further
 * step-up the policy asks for (a second factor) comes from the dialog.
 */
export async function changePasswordAction(_: PasswordState, formData: FormData): Promise<PasswordState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(PAGE);
  const fields = formFields(formData, ["current_password", "new_password", "confirm", "sign_out_others"]);
  if (!fields.new_password) return fieldFailure("new_password", FIELD_MESSAGES.blank);
  if (fields.new_password.length > 1024) return fieldFailure("new_password", FIELD_MESSAGES.tooLong(1024));
  if (fields.new_password !== fields.confirm) return fieldFailure("confirm", FIELD_MESSAGES.passwordsDiffer);
  const input = { newPassword: fields.new_password, keepOtherSessions: fields.sign_out_others !== "on" };
  const current = fields.current_password.length > 1024 ? "" : fields.current_password;
  const result = await changePassword(actorOf(user), input, { password: current || undefined }, await currentClient());
  if (result.ok) return { done: result.value };
  if (result.code === "current_password_required" || result.code === "invalid_reauth") return { ...failureState(result), fieldErrors: { current_password: [failureState(result).error ?? ""] } };
  return failureState(result);
}

export async function requestEmailChangeAction(_: EmailState, formData: FormData): Promise<EmailState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(PAGE);
  const { email } = formFields(formData, ["email"]);
  if (!email.trim()) return fieldFailure("email", FIELD_MESSAGES.blank);
  const result = await requestEmailChange(actorOf(user), email, {}, await currentClient());
  return result.ok ? { sentTo: result.value.newEmail } : failureState(result, { email: email.slice(0, 254) });
}

export async function cancelEmailChangeAction(): Promise<void> {
  const user = await requireWebUser(PAGE);
  await cancelEmailChange(user.id);
  redirect(`${PAGE}?cancelled=1`);
}
