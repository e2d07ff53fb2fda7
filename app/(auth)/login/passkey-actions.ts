"use server";

import { redirect } from "next/navigation";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { z } from "zod";
import { ERRORS } from "@/lib/auth/errors";
import { safeReturnPath } from "@/lib/auth/sessions/guards";
import { beginPasswordlessSignIn, signInWithPasskey } from "@/lib/auth/passkeys/passwordless-sign-in";
import { issueWebSession, setSessionCookie } from "@/lib/auth/sessions/web-session";
import { publicAction } from "@/lib/http/action";
import { failureMessage } from "@/lib/http/form";

export type PasskeySignInError = { error: string; retry?: boolean };

export const passwordlessOptionsAction = publicAction.call(
  {},
  async ({
    client,
  }): Promise<{ sessionId: string; options: PublicKeyCredentialRequestOptionsJSON } | PasskeySignInError> => {
    const result = await beginPasswordlessSignIn(client);
    return result.ok ? result.value : { error: ERRORS[result.code].message };
  },
);

/** `(sessionId, response, next)` from the sign-in page's passkey button. */
export const passwordlessSignInAction = publicAction.args(
  { args: [z.string(), z.unknown(), z.unknown()], invalid: { error: ERRORS.invalid_session.message } },
  async ({ input: [sessionId, response, next], client }): Promise<PasskeySignInError> => {
    const result = await signInWithPasskey(sessionId, response, client, issueWebSession);
    if (!result.ok) {
      if (result.code === "invalid_session" || result.code === "session_used")
        return { error: ERRORS.passkey_timed_out.message, retry: true };
      if (result.code === "invalid_passkey") return { error: ERRORS.passkey_not_recognised.message, retry: true };
      return { error: failureMessage(result) };
    }
    await setSessionCookie(result.value.session);
    redirect(safeReturnPath(next));
  },
);
