"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requestPasswordReset } from "@/lib/auth/password-reset";
import { currentClient } from "@/lib/auth/web-session";
import { failureState, formFields, parseForm, type FormState } from "@/lib/http/form";
import { requiredText } from "@/lib/http/fields";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

const ForgotForm = z.object({ email: requiredText(254) });

/** Every address gets the same answer (a redirect to the "check your inbox" page); only a rate limit is shown. */
export async function forgotPasswordAction(_: FormState, formData: FormData): Promise<FormState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["email"]);
  const parsed = parseForm(ForgotForm, fields);
  if (!parsed.ok) return parsed.state;
  const result = await requestPasswordReset(parsed.value.email, await currentClient());
  if (!result.ok) return failureState(result, { email: fields.email });
  redirect("/forgot-password?sent=1");
}
