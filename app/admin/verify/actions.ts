"use server";

import { redirect } from "next/navigation";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { passedSecondFactor } from "@/lib/auth/amr";
import { adminPath, requireStaffToVerify } from "@/lib/auth/admin/guard";
import {
  beginAdminPasskeyEnrollment,
  beginAdminPasskeyVerification,
  beginAdminTotpEnrollment,
  clearAdminVerification,
  confirmAdminPasskeyEnrollment,
  confirmAdminTotpEnrollment,
  upgradeSessionWithSecondFactor,
  type UpgradedSession,
} from "@/lib/auth/admin/verification";
import type { Failure, Result } from "@/lib/auth/errors";
import type { SecondFactorInput } from "@/lib/auth/second-factor";
import { currentClient, endWebSession, setSessionCookie } from "@/lib/auth/web-session";
import { codeFailure, failureState, formFields, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

export type VerifyState = FormState & { passkeyOptions?: PublicKeyCredentialRequestOptionsJSON };
export type EnrollState = FormState & {
  totp?: { secret: string; qrCode: string };
  passkey?: { challengeId: string; options: PublicKeyCredentialCreationOptionsJSON };
  backupCodes?: string[];
};

/** WebAuthn responses are a few KB; anything much larger is not one. */
const MAX_PASSKEY_RESPONSE = 32_768;

function parsePasskeyResponse(raw: string): unknown {
  if (!raw || raw.length > MAX_PASSKEY_RESPONSE) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

/** A verification that cannot go on: locked ones sign the browser out, stale ones start over. */
async function handleDeadEnds(failure: Failure): Promise<FormState> {
  if (failure.code === "second_factor_locked") {
    await endWebSession();
    redirect("/login?expired=1");
  }
  if (failure.code === "invalid_session" || failure.code === "session_used") {
    await clearAdminVerification();
    return codeFailure("admin_verification_expired");
  }
  return failureState(failure);
}

async function finishUpgrade(result: Result<UpgradedSession>, next: string): Promise<FormState> {
  if (!result.ok) return handleDeadEnds(result);
  await setSessionCookie(result.value.token);
  await clearAdminVerification();
  redirect(adminPath(next));
}

export async function verifyCodeAction(_: VerifyState, formData: FormData): Promise<VerifyState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["totp_token", "backup_code", "next"]);
  const user = await requireStaffToVerify(fields.next);
  if (passedSecondFactor(user.amr)) redirect(adminPath(fields.next));
  const input: SecondFactorInput = fields.backup_code.trim() ? { backupCode: fields.backup_code } : { totpToken: fields.totp_token };
  if (!input.backupCode && !input.totpToken?.trim()) return codeFailure("code_required");
  return finishUpgrade(await upgradeSessionWithSecondFactor(user, input, await currentClient()), fields.next);
}

export async function beginPasskeyVerificationAction(_: VerifyState, formData: FormData): Promise<VerifyState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const { next } = formFields(formData, ["next"]);
  const user = await requireStaffToVerify(next);
  if (passedSecondFactor(user.amr)) redirect(adminPath(next));
  const started = await beginAdminPasskeyVerification(user, await currentClient());
  return started.ok ? { passkeyOptions: started.value.options } : handleDeadEnds(started);
}

export async function verifyPasskeyAction(_: VerifyState, formData: FormData): Promise<VerifyState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["passkey_response", "next"]);
  const user = await requireStaffToVerify(fields.next);
  if (passedSecondFactor(user.amr)) redirect(adminPath(fields.next));
  const response = parsePasskeyResponse(fields.passkey_response);
  if (!response) return codeFailure("passkey_no_response");
  return finishUpgrade(await upgradeSessionWithSecondFactor(user, { passkeyResponse: response }, await currentClient()), fields.next);
}

export async function beginTotpEnrollmentAction(_: EnrollState, formData: FormData): Promise<EnrollState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const { next } = formFields(formData, ["next"]);
  const user = await requireStaffToVerify(next);
  if (passedSecondFactor(user.amr)) redirect(adminPath(next));
  const setup = await beginAdminTotpEnrollment(user, await currentClient());
  return setup.ok ? { totp: { secret: setup.value.secret, qrCode: setup.value.qrCode } } : handleDeadEnds(setup);
}

export async function confirmTotpEnrollmentAction(state: EnrollState, formData: FormData): Promise<EnrollState> {
  if (isBadActionInput(formData, state)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["totp_token", "next"]);
  const user = await requireStaffToVerify(fields.next);
  if (passedSecondFactor(user.amr)) redirect(adminPath(fields.next));
  const result = await confirmAdminTotpEnrollment(user, fields.totp_token, await currentClient());
  if (!result.ok) {
    const failed = await handleDeadEnds(result);
    // A typo keeps the same secret on screen (django-lokdown made a new QR code: W25).
    return result.code === "invalid_session" || result.code === "session_used" ? failed : { ...failed, totp: state.totp };
  }
  // Signed in with "mfa" now; the verification cookie stays until the codes were seen, so the page keeps showing them.
  await setSessionCookie(result.value.token);
  return { backupCodes: result.value.backupCodes ?? [] };
}

export async function beginPasskeyEnrollmentAction(_: EnrollState, formData: FormData): Promise<EnrollState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const { next } = formFields(formData, ["next"]);
  const user = await requireStaffToVerify(next);
  if (passedSecondFactor(user.amr)) redirect(adminPath(next));
  const started = await beginAdminPasskeyEnrollment(user, await currentClient());
  return started.ok ? { passkey: started.value } : handleDeadEnds(started);
}

export async function confirmPasskeyEnrollmentAction(_: EnrollState, formData: FormData): Promise<EnrollState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const fields = formFields(formData, ["challenge_id", "passkey_response", "next"]);
  const user = await requireStaffToVerify(fields.next);
  if (passedSecondFactor(user.amr)) redirect(adminPath(fields.next));
  const response = parsePasskeyResponse(fields.passkey_response);
  if (!response) return codeFailure("passkey_not_created");
  const result = await confirmAdminPasskeyEnrollment(user, fields.challenge_id, response, await currentClient());
  if (!result.ok) return handleDeadEnds(result);
  await setSessionCookie(result.value.token);
  return { backupCodes: result.value.backupCodes ?? [] };
}

/** After the new backup codes were seen: forget the verification and open the admin area. */
export async function finishEnrollmentAction(formData: FormData): Promise<void> {
  if (isBadActionInput(formData)) return;
  const { next } = formFields(formData, ["next"]);
  await requireStaffToVerify(next);
  await clearAdminVerification();
  redirect(adminPath(next));
}
