"use server";

import { redirect } from "next/navigation";
import { safeReturnPath } from "@/lib/auth/sessions/guards";
import { beginLoginTotpSetup, confirmLoginTotpSetup } from "@/lib/auth/login/staff-enrollment";
import { completePendingLogin } from "@/lib/auth/login/second-factor-step";
import { SECOND_FACTOR_ORDER } from "@/lib/auth/login/second-factor-order";
import { cancelPendingLogin } from "@/lib/auth/login/sign-in";
import type { Failure } from "@/lib/auth/errors";
import {
  clearPendingLoginCookie,
  issueWebSession,
  readPendingLoginCookie,
  rememberTrustedBrowser,
  setSessionCookie,
} from "@/lib/auth/sessions/web-session";
import { publicAction } from "@/lib/http/action";
import { codeFailure, failureState, type FormState } from "@/lib/http/form";

export type EnrollState = FormState & {
  setup?: { secret: string; qrCode: string };
  backupCodes?: string[];
  next?: string;
};

/** A pending login that cannot continue sends the user back to the password step. */
async function restartIfDead(failure: Failure): Promise<void> {
  if (failure.code === "invalid_session" || failure.code === "session_used") {
    await clearPendingLoginCookie();
    redirect("/login?expired=1");
  }
}

async function pendingId(): Promise<string> {
  const id = await readPendingLoginCookie();
  if (!id) redirect("/login?expired=1");
  return id;
}

export const verifySecondFactorAction = publicAction.form(
  { form: ["totp_token", "backup_code", "next", "trust_browser"] },
  async ({ fields, client }): Promise<FormState> => {
    const input = fields.backup_code.trim() ? { backupCode: fields.backup_code } : { totpToken: fields.totp_token };
    if (!input.backupCode && !input.totpToken?.trim()) return codeFailure("code_required");
    const result = await completePendingLogin(await pendingId(), input, SECOND_FACTOR_ORDER, client, issueWebSession);
    if (!result.ok) {
      await restartIfDead(result);
      return failureState(result);
    }
    await setSessionCookie(result.value);
    if (fields.trust_browser === "on") await rememberTrustedBrowser(result.value, client);
    redirect(safeReturnPath(fields.next));
  },
);

export const beginEnrollTotpAction = publicAction.call({}, async ({ client }): Promise<EnrollState> => {
  const setup = await beginLoginTotpSetup(await pendingId(), client);
  if (!setup.ok) {
    await restartIfDead(setup);
    return failureState(setup);
  }
  return { setup: { secret: setup.value.secret, qrCode: setup.value.qrCode } };
});

export const confirmEnrollTotpAction = publicAction.form(
  { form: ["totp_token", "next"] },
  async ({ fields, client, state }): Promise<EnrollState> => {
    const result = await confirmLoginTotpSetup(await pendingId(), fields.totp_token, client, issueWebSession);
    if (!result.ok) {
      await restartIfDead(result);
      return { ...failureState(result), setup: state.setup };
    }
    await setSessionCookie(result.value.session, { keepPending: true });
    return { backupCodes: result.value.backupCodes, next: safeReturnPath(fields.next) };
  },
);

/** After the new backup codes were seen: forget the finished login and go on. */
export const finishEnrollmentAction = publicAction.submit({ form: ["next"] }, async ({ fields }): Promise<void> => {
  await clearPendingLoginCookie();
  redirect(safeReturnPath(fields.next));
});

export const cancelSignInAction = publicAction.call({}, async (): Promise<void> => {
  const id = await readPendingLoginCookie();
  if (id) await cancelPendingLogin(id);
  await clearPendingLoginCookie();
  redirect("/login");
});
