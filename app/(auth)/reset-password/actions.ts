"use server";

import { redirect } from "next/navigation";
import { resetPassword } from "@/lib/auth/password/reset";
import { publicAction } from "@/lib/http/action";
import { FIELD_MESSAGES } from "@/lib/http/fields";
import { failureState, fieldFailure, type FormState } from "@/lib/http/form";

/** Sets the new password; the link is spent and every session ends, so the user signs in afresh. */
export const resetPasswordAction = publicAction.form(
  { form: ["token", "new_password", "confirm"] },
  async ({ fields, client }): Promise<FormState> => {
    if (!fields.new_password) return fieldFailure("new_password", FIELD_MESSAGES.blank);
    if (fields.new_password !== fields.confirm) return fieldFailure("confirm", FIELD_MESSAGES.passwordsDiffer);
    const result = await resetPassword(fields.token, fields.new_password, client);
    if (!result.ok) return failureState(result);
    redirect("/login?reset=1");
  },
);
