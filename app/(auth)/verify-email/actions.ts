"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { confirmEmailVerification, requestEmailVerificationResend, RESEND_VERIFICATION_PATH } from "@/lib/auth/email-verification";
import { currentClient } from "@/lib/auth/web-session";
import { failureState, formFields, parseForm, type FormState } from "@/lib/http/form";
import { requiredText } from "@/lib/http/fields";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

export type VerifyEmailState = FormState & { email?: string };

/** The confirmation link's button: spends the token (a GET alone never does; mail scanners open links). */
export async function confirmEmailVerificationAction(_: VerifyEmailState, formData: FormData): Promise<VerifyEmailState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const result = await confirmEmailVerification(formFields(formData, ["token"]).token, await currentClient());
  return result.ok ? { email: result.value.email } : failureState(result);
}

const ResendForm = z.object({ identifier: requiredText(254) });

/** Every input gets the same answer (a redirect to "check your inbox"); only a rate limit is shown. */
export async function resendEmailVerificationAction(_: FormState, formData: FormData): Promise<FormState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["identifier"]);
  const parsed = parseForm(ResendForm, fields);
  if (!parsed.ok) return { ...parsed.state, values: fields };
  const result = await requestEmailVerificationResend(parsed.value.identifier, await currentClient());
  if (!result.ok) return failureState(result, fields);
  redirect(`${RESEND_VERIFICATION_PATH}?sent=1`);
}
