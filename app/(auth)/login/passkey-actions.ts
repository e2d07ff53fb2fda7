"use server";

import { redirect } from "next/navigation";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { ERRORS } from "@/lib/auth/errors";
import { safeReturnPath } from "@/lib/auth/guards";
import { beginPasswordlessSignIn, signInWithPasskey } from "@/lib/auth/passkey-login";
import { currentClient, issueWebSession, setSessionCookie } from "@/lib/auth/web-session";

export type PasskeySignInError = { error: string; retry?: boolean };

export async function passwordlessOptionsAction(): Promise<{ sessionId: string; options: PublicKeyCredentialRequestOptionsJSON } | PasskeySignInError> {
  const result = await beginPasswordlessSignIn(await currentClient());
  return result.ok ? result.value : { error: ERRORS[result.code].message };
}

export async function passwordlessSignInAction(sessionId: string, response: unknown, next: string): Promise<PasskeySignInError> {
  if (typeof sessionId !== "string") return { error: ERRORS.invalid_session.message };
  const result = await signInWithPasskey(sessionId, response, await currentClient(), issueWebSession);
  if (!result.ok) {
    if (result.code === "invalid_session" || result.code === "session_used") return { error: "That took too long. Please try again.", retry: true };
    if (result.code === "invalid_passkey") return { error: "That passkey was not recognised. If you removed it from your account, delete it from your device too, or sign in with your password.", retry: true };
    const message = result.message ?? ERRORS[result.code].message;
    return { error: result.retryAfter ? `${message}. Try again in ${result.retryAfter} s.` : message };
  }
  await setSessionCookie(result.value.session);
  redirect(safeReturnPath(next));
}
