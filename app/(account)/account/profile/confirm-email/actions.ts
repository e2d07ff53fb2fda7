"use server";

import { confirmEmailChange } from "@/lib/auth/account/email-change";
import { publicAction } from "@/lib/http/action";
import { failureState, type FormState } from "@/lib/http/form";

export type ConfirmEmailState = FormState & { email?: string };

export const confirmEmailAction = publicAction.form(
  { form: ["token"] },
  async ({ fields, client }): Promise<ConfirmEmailState> => {
    const result = await confirmEmailChange(fields.token, client);
    return result.ok ? { email: result.value.email } : failureState(result);
  },
);
