"use server";

import { redirect } from "next/navigation";
import { safeReturnPath } from "@/lib/auth/guards";
import { beginLoginTotpSetup, confirmLoginTotpSetup } from "@/lib/auth/login-enrollment";
import { completePendingLogin } from "@/lib/auth/second-factor";
import { SECOND_FACTORS } from "@/lib/auth/second-factors";
import { cancelPendingLogin } from "@/lib/auth/sign-in";
import type { Failure } from "@/lib/auth/errors";
import {
  clearPendingLoginCookie,
  currentClient,
  issueWebSession,
  readPendingLoginCookie,
  rememberTrustedBrowser,
  setSessionCookie,
} from "@/lib/auth/web-session";
import { codeFailure, failureState, formFields, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

export type EnrollState = FormState & { setup?: { secret: string; qrCode: string }; backupCodes?: string[]; next?: string };

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

export async function verifySecondFactorAction(_: FormState, formData: FormData): Promise<FormState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["totp_token", "backup_code", "next", "trust_browser"]);
  const input = fields.backup_code.trim() ? { backupCode: fields.backup_code } : { totpToken: fields.totp_token };
  if (!input.backupCode && !input.totpToken?.trim()) return codeFailure("code_required");
  const client = await currentClient();
  const result = await completePendingLogin(await pendingId(), input, SECOND_FACTORS, client, issueWebSession);
  if (!result.ok) {
    await restartIfDead(result);
    return failureState(result);
  }
  await setSessionCookie(result.value);
  if (fields.trust_browser === "on") await rememberTrustedBrowser(result.value, client);
  redirect(safeReturnPath(fields.next));
}

export async function beginEnrollTotpAction(_: EnrollState): Promise<EnrollState> {
  const setup = await beginLoginTotpSetup(await pendingId(), await currentClient());
  if (!setup.ok) {
    await restartIfDead(setup);
    return failureState(setup);
  }
  return { setup: { secret: setup.value.secret, qrCode: setup.value.qrCode } };
}

export async function confirmEnrollTotpAction(state: EnrollState, formData: FormData): Promise<EnrollState> {
  if (isBadActionInput(formData, state)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["totp_token", "next"]);
  const result = await confirmLoginTotpSetup(await pendingId(), fields.totp_token, await currentClient(), issueWebSession);
  if (!result.ok) {
    await restartIfDead(result);
    return { ...failureState(result), setup: state.setup };
  }
  await setSessionCookie(result.value.session, { keepPending: true });
  return { backupCodes: result.value.backupCodes, next: safeReturnPath(fields.next) };
}

/** After the new backup codes were seen: forget the finished login and go on. */
export async function finishEnrollmentAction(formData: FormData): Promise<void> {
  if (isBadActionInput(formData)) return;
  await clearPendingLoginCookie();
  redirect(safeReturnPath(formFields(formData, ["next"]).next));
}

export async function cancelSignInAction(): Promise<void> {
  const id = await readPendingLoginCookie();
  if (id) await cancelPendingLogin(id);
  await clearPendingLoginCookie();
  redirect("/login");
}
