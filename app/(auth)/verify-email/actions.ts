"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import {
  confirmEmailVerification,
  requestEmailVerificationResend,
  RESEND_VERIFICATION_PATH,
} from "@/lib/auth/account/email-verification";
import { publicAction } from "@/lib/http/action";
import { failureState, type FormState } from "@/lib/http/form";
import { requiredText } from "@/lib/http/fields";

export type VerifyEmailState = FormState & { email?: string };

/** The confirmation link's button: spends the token (a GET alone never does; mail scanners open links). */
export const confirmEmailVerificationAction = publicAction.form(
  { form: ["token"] },
  async ({ fields, client }): Promise<VerifyEmailState> => {
    const result = await confirmEmailVerification(fields.token, client);
    return result.ok ? { email: result.value.email } : failureState(result);
  },
);

const ResendForm = z.object({ identifier: requiredText(254) });

/** Every input gets the same answer (a redirect to "check your inbox"); only a rate limit is shown. */
export const resendEmailVerificationAction = publicAction.form(
  { form: ResendForm, refill: ["identifier"] },
  async ({ input, fields, client }): Promise<FormState> => {
    const result = await requestEmailVerificationResend(input.identifier, client);
    if (!result.ok) return failureState(result, fields);
    redirect(`${RESEND_VERIFICATION_PATH}?sent=1`);
  },
);
