"use server";

import { redirect } from "next/navigation";
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { z } from "zod";
import { ERRORS, type Failure } from "@/lib/auth/errors";
import { safeReturnPath } from "@/lib/auth/sessions/guards";
import { beginLoginPasskeySetup, confirmLoginPasskeySetup } from "@/lib/auth/login/staff-enrollment-passkey";
import { beginPasskeyLoginStep } from "@/lib/auth/passkeys/assertions";
import { completePendingLogin } from "@/lib/auth/login/second-factor-step";
import { SECOND_FACTOR_ORDER } from "@/lib/auth/login/second-factor-order";
import { describePendingLogin } from "@/lib/auth/login/sign-in";
import {
  clearPendingLoginCookie,
  issueWebSession,
  readPendingLoginCookie,
  rememberTrustedBrowser,
  setSessionCookie,
} from "@/lib/auth/sessions/web-session";
import { publicAction } from "@/lib/http/action";
import { failureMessage } from "@/lib/http/form";

export type PasskeyActionError = { error: string };

async function pendingId(): Promise<string> {
  const id = await readPendingLoginCookie();
  if (!id) redirect("/login?expired=1");
  return id;
}

/** A dead pending login sends the user back to the password step; other failures are shown. */
async function explain(failure: Failure): Promise<PasskeyActionError> {
  if (failure.code === "invalid_session" || failure.code === "session_used") {
    await clearPendingLoginCookie();
    redirect("/login?expired=1");
  }
  return { error: failureMessage(failure) };
}

export const passkeyStepOptionsAction = publicAction.call(
  {},
  async ({ client }): Promise<{ options: PublicKeyCredentialRequestOptionsJSON } | PasskeyActionError> => {
    const result = await beginPasskeyLoginStep(await pendingId(), client);
    return result.ok ? { options: result.value.options } : explain(result);
  },
);

/** `(response, next, trustBrowser)`: only `true` trusts the browser. */
export const verifyPasskeyStepAction = publicAction.args(
  { args: [z.unknown(), z.unknown(), z.unknown()], invalid: { error: ERRORS.validation_error.message } },
  async ({ input: [response, next, trustBrowser], client }): Promise<PasskeyActionError> => {
    const result = await completePendingLogin(
      await pendingId(),
      { passkeyResponse: response },
      SECOND_FACTOR_ORDER,
      client,
      issueWebSession,
    );
    if (!result.ok) return explain(result);
    await setSessionCookie(result.value);
    if (trustBrowser === true) await rememberTrustedBrowser(result.value, client);
    redirect(safeReturnPath(next));
  },
);

export const beginEnrollPasskeyAction = publicAction.call(
  {},
  async ({
    client,
  }): Promise<{ sessionId: string; options: PublicKeyCredentialCreationOptionsJSON } | PasskeyActionError> => {
    const result = await beginLoginPasskeySetup(await pendingId(), client);
    return result.ok ? result.value : explain(result);
  },
);

export const confirmEnrollPasskeyAction = publicAction.args(
  { args: [z.string(), z.unknown(), z.unknown()], invalid: { error: ERRORS.validation_error.message } },
  async ({ input: [sessionId, response, next], client }): Promise<PasskeyActionError> => {
    const result = await confirmLoginPasskeySetup(sessionId, response, undefined, client, issueWebSession);
    if (!result.ok) {
      // The registration challenge lives 5 minutes, the login a little longer: only a dead login restarts.
      const dead = result.code === "invalid_session" || result.code === "session_used";
      if (dead && (await describePendingLogin(await pendingId(), client)))
        return { error: ERRORS.passkey_setup_expired.message };
      return explain(result);
    }
    await setSessionCookie(result.value.session);
    // The account has no backup codes yet: the security page offers them first.
    redirect(`/account/security?passkey_added=1&next=${encodeURIComponent(safeReturnPath(next))}`);
  },
);
