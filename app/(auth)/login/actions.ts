"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { safeReturnPath } from "@/lib/auth/guards";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { currentClient, issueWebSession, readTrustedBrowserCookie, setPendingLoginCookie, setSessionCookie } from "@/lib/auth/web-session";
import { failureState, formFields, parseForm, type FormState } from "@/lib/http/form";
import { requiredText, secretText } from "@/lib/http/fields";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

const LoginForm = z.object({ username: requiredText(254), password: secretText() });

export async function loginAction(_: FormState, formData: FormData): Promise<FormState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["username", "password", "next"]);
  const parsed = parseForm(LoginForm, fields);
  if (!parsed.ok) return { ...parsed.state, values: { username: fields.username } };
  // A browser trusted at an earlier 2FA step may skip it (lib/auth/trusted-devices.ts).
  const result = await signInWithPassword({ ...parsed.value, trustedBrowser: await readTrustedBrowserCookie() }, await currentClient(), issueWebSession);
  if (!result.ok) return failureState(result, { username: fields.username });
  const next = safeReturnPath(fields.next);
  if (result.value.kind === "signed_in") {
    await setSessionCookie(result.value.session);
    redirect(next);
  }
  await setPendingLoginCookie(result.value.challenge.session_id);
  redirect(`/2fa?next=${encodeURIComponent(next)}`);
}
