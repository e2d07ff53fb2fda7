"use server";

import { redirect } from "next/navigation";
import { cancelEmailChange, requestEmailChange } from "@/lib/auth/account/email-change";
import { changePassword } from "@/lib/auth/password/change";
import { userAction } from "@/lib/http/action";
import { FIELD_MESSAGES } from "@/lib/http/fields";
import { failureState, fieldFailure, type FormState } from "@/lib/http/form";

const PAGE = "/account/profile";

export type PasswordState = FormState & { done?: { sessionsEnded: number } };
export type EmailState = FormState & { sentTo?: string };

/**
 * The current password is a field of the form (required when the account has one); any further
 * step-up the policy asks for (a second factor) comes from the dialog.
 */
export const changePasswordAction = userAction.form(
  { page: PAGE, form: ["current_password", "new_password", "confirm", "sign_out_others"] },
  async ({ fields, actor, client }): Promise<PasswordState> => {
    if (!fields.new_password) return fieldFailure("new_password", FIELD_MESSAGES.blank);
    if (fields.new_password.length > 1024) return fieldFailure("new_password", FIELD_MESSAGES.tooLong(1024));
    if (fields.new_password !== fields.confirm) return fieldFailure("confirm", FIELD_MESSAGES.passwordsDiffer);
    const input = { newPassword: fields.new_password, keepOtherSessions: fields.sign_out_others !== "on" };
    const current = fields.current_password.length > 1024 ? "" : fields.current_password;
    const result = await changePassword(actor, input, { password: current || undefined }, client);
    if (result.ok) return { done: result.value };
    if (result.code === "current_password_required" || result.code === "invalid_reauth")
      return { ...failureState(result), fieldErrors: { current_password: [failureState(result).error ?? ""] } };
    return failureState(result);
  },
);

export const requestEmailChangeAction = userAction.form(
  { page: PAGE, form: ["email"] },
  async ({ fields: { email }, actor, client }): Promise<EmailState> => {
    if (!email.trim()) return fieldFailure("email", FIELD_MESSAGES.blank);
    const result = await requestEmailChange(actor, email, {}, client);
    return result.ok ? { sentTo: result.value.newEmail } : failureState(result, { email: email.slice(0, 254) });
  },
);

export const cancelEmailChangeAction = userAction.call({ page: PAGE }, async ({ user }): Promise<void> => {
  await cancelEmailChange(user.id);
  redirect(`${PAGE}?cancelled=1`);
});
