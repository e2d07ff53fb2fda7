"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requestPasswordReset } from "@/lib/auth/password/reset";
import { publicAction } from "@/lib/http/action";
import { failureState, type FormState } from "@/lib/http/form";
import { requiredText } from "@/lib/http/fields";

const ForgotForm = z.object({ email: requiredText(254) });

/** Every address gets the same answer (a redirect to the "check your inbox" page); only a rate limit is shown. */
export const forgotPasswordAction = publicAction.form(
  { form: ForgotForm },
  async ({ input, fields, client }): Promise<FormState> => {
    const result = await requestPasswordReset(input.email, client);
    if (!result.ok) return failureState(result, { email: fields.email });
    redirect("/forgot-password?sent=1");
  },
);
