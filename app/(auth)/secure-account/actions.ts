"use server";

import { secureAccountWithLink } from "@/lib/auth/notices/security-mail";
import { publicAction } from "@/lib/http/action";
import { failureState, type FormState } from "@/lib/http/form";

export type SecureAccountState = FormState & {
  done?: { username: string; sessionsEnded: number; done: string[]; resetToken: string };
};

export const secureAccountAction = publicAction.form(
  { form: ["token"] },
  async ({ fields, client }): Promise<SecureAccountState> => {
    const result = await secureAccountWithLink(fields.token, client);
    return result.ok ? { done: result.value } : failureState(result);
  },
);
