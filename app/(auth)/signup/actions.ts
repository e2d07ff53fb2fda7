"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { emailVerificationRequired, RESEND_VERIFICATION_PATH } from "@/lib/auth/account/email-verification";
import { registerUser } from "@/lib/auth/account/signup";
import { signInWithPassword } from "@/lib/auth/login/sign-in";
import { issueWebSession, setSessionCookie } from "@/lib/auth/sessions/web-session";
import { publicAction } from "@/lib/http/action";
import { failureState, type FormState } from "@/lib/http/form";
import { FIELD_MESSAGES, requiredText, secretText } from "@/lib/http/fields";

const SignupForm = z
  .object({ username: requiredText(150), email: requiredText(254), password: secretText(), confirm: secretText() })
  .refine((v) => v.password === v.confirm, { message: FIELD_MESSAGES.passwordsDiffer, path: ["confirm"] });

export const signupAction = publicAction.form(
  { form: SignupForm, refill: ["username", "email"] },
  async ({ input, fields, client }): Promise<FormState> => {
    const values = { username: fields.username, email: fields.email };
    const created = await registerUser(input, client);
    if (!created.ok) return failureState(created, values);
    // The confirmation link is on its way; under LOKDOWN_EMAIL_VERIFICATION=required sign-in waits for it.
    if (emailVerificationRequired()) redirect(`${RESEND_VERIFICATION_PATH}?registered=1`);
    const signedIn = await signInWithPassword(
      { username: created.value.username, password: input.password },
      client,
      issueWebSession,
    );
    if (signedIn.ok && signedIn.value.kind === "signed_in") {
      await setSessionCookie(signedIn.value.session);
      redirect("/account/security?welcome=1");
    }
    redirect("/login?created=1");
  },
);
