"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { emailVerificationRequired, RESEND_VERIFICATION_PATH } from "@/lib/auth/email-verification";
import { registerUser } from "@/lib/auth/registration";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { currentClient, issueWebSession, setSessionCookie } from "@/lib/auth/web-session";
import { failureState, formFields, parseForm, type FormState } from "@/lib/http/form";
import { FIELD_MESSAGES, requiredText, secretText } from "@/lib/http/fields";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

const SignupForm = z
  .object({ username: requiredText(150), email: requiredText(254), password: secretText(), confirm: secretText() })
  .refine((v) => v.password === v.confirm, { message: FIELD_MESSAGES.passwordsDiffer, path: ["confirm"] });

export async function signupAction(_: FormState, formData: FormData): Promise<FormState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["username", "email", "password", "confirm"]);
  const values = { username: fields.username, email: fields.email };
  const parsed = parseForm(SignupForm, fields);
  if (!parsed.ok) return { ...parsed.state, values };
  const client = await currentClient();
  const created = await registerUser(parsed.value, client);
  if (!created.ok) return failureState(created, values);
  // The confirmation link is on its way; under LOKDOWN_EMAIL_VERIFICATION=required sign-in waits for it.
  if (emailVerificationRequired()) redirect(`${RESEND_VERIFICATION_PATH}?registered=1`);
  const signedIn = await signInWithPassword({ username: created.value.username, password: parsed.value.password }, client, issueWebSession);
  if (signedIn.ok && signedIn.value.kind === "signed_in") {
    await setSessionCookie(signedIn.value.session);
    redirect("/account/security?welcome=1");
  }
  redirect("/login?created=1");
}
