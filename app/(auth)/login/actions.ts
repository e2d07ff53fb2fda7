"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { safeReturnPath } from "@/lib/auth/sessions/guards";
import { signInWithPassword } from "@/lib/auth/login/sign-in";
import {
  issueWebSession,
  readTrustedBrowserCookie,
  setPendingLoginCookie,
  setSessionCookie,
} from "@/lib/auth/sessions/web-session";
import { publicAction } from "@/lib/http/action";
import { failureState, type FormState } from "@/lib/http/form";
import { requiredText, secretText } from "@/lib/http/fields";

/** `next` is any text: safeReturnPath decides where it may lead. */
const LoginForm = z.object({ username: requiredText(254), password: secretText(), next: z.string() });

export const loginAction = publicAction.form(
  { form: LoginForm, refill: ["username"] },
  async ({ input, fields, client }): Promise<FormState> => {
    // A browser trusted at an earlier 2FA step may skip it (lib/auth/login/trusted-devices.ts).
    const credentials = {
      username: input.username,
      password: input.password,
      trustedBrowser: await readTrustedBrowserCookie(),
    };
    const result = await signInWithPassword(credentials, client, issueWebSession);
    if (!result.ok) return failureState(result, { username: fields.username });
    const next = safeReturnPath(input.next);
    if (result.value.kind === "signed_in") {
      await setSessionCookie(result.value.session);
      redirect(next);
    }
    await setPendingLoginCookie(result.value.challenge.session_id);
    redirect(`/2fa?next=${encodeURIComponent(next)}`);
  },
);
