"use server";

import { redirect } from "next/navigation";
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { passedSecondFactor } from "@/lib/auth/policy/amr";
import { adminPath } from "@/lib/auth/admin/guard";
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
import type { SecondFactorInput } from "@/lib/auth/login/second-factor-step";
import { endWebSession, setSessionCookie, type WebUser } from "@/lib/auth/sessions/web-session";
import { verifyingStaffAction } from "@/lib/http/action";
import { codeFailure, failureState, type FormState } from "@/lib/http/form";

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

/** A session that already passed a second factor has nothing to verify: on to the admin area. */
function skipIfVerified(user: WebUser, next: string): void {
  if (passedSecondFactor(user.amr)) redirect(adminPath(next));
}

/** The page to come back to after sign-in is the one asked for (`next`). */
const nextOf = (f: { next: string }) => f.next;

export const verifyCodeAction = verifyingStaffAction.form(
  { page: nextOf, form: ["totp_token", "backup_code", "next"] },
  async ({ fields, user, client }): Promise<VerifyState> => {
    skipIfVerified(user, fields.next);
    const input: SecondFactorInput = fields.backup_code.trim()
      ? { backupCode: fields.backup_code }
      : { totpToken: fields.totp_token };
    if (!input.backupCode && !input.totpToken?.trim()) return codeFailure("code_required");
    return finishUpgrade(await upgradeSessionWithSecondFactor(user, input, client), fields.next);
  },
);

export const beginPasskeyVerificationAction = verifyingStaffAction.form(
  { page: nextOf, form: ["next"] },
  async ({ fields, user, client }): Promise<VerifyState> => {
    skipIfVerified(user, fields.next);
    const started = await beginAdminPasskeyVerification(user, client);
    return started.ok ? { passkeyOptions: started.value.options } : handleDeadEnds(started);
  },
);

export const verifyPasskeyAction = verifyingStaffAction.form(
  { page: nextOf, form: ["passkey_response", "next"] },
  async ({ fields, user, client }): Promise<VerifyState> => {
    skipIfVerified(user, fields.next);
    const response = parsePasskeyResponse(fields.passkey_response);
    if (!response) return codeFailure("passkey_no_response");
    return finishUpgrade(
      await upgradeSessionWithSecondFactor(user, { passkeyResponse: response }, client),
      fields.next,
    );
  },
);

export const beginTotpEnrollmentAction = verifyingStaffAction.form(
  { page: nextOf, form: ["next"] },
  async ({ fields, user, client }): Promise<EnrollState> => {
    skipIfVerified(user, fields.next);
    const setup = await beginAdminTotpEnrollment(user, client);
    return setup.ok ? { totp: { secret: setup.value.secret, qrCode: setup.value.qrCode } } : handleDeadEnds(setup);
  },
);

export const confirmTotpEnrollmentAction = verifyingStaffAction.form(
  { page: nextOf, form: ["totp_token", "next"] },
  async ({ fields, user, client, state }): Promise<EnrollState> => {
    skipIfVerified(user, fields.next);
    const result = await confirmAdminTotpEnrollment(user, fields.totp_token, client);
    if (!result.ok) {
      const failed = await handleDeadEnds(result);
      // A typo keeps the same secret on screen, so the app already scanned keeps working (no new QR code).
      return result.code === "invalid_session" || result.code === "session_used"
        ? failed
        : { ...failed, totp: state.totp };
    }
    // Signed in with "mfa" now; the verification cookie stays until the codes were seen, so the page keeps showing them.
    await setSessionCookie(result.value.token);
    return { backupCodes: result.value.backupCodes ?? [] };
  },
);

export const beginPasskeyEnrollmentAction = verifyingStaffAction.form(
  { page: nextOf, form: ["next"] },
  async ({ fields, user, client }): Promise<EnrollState> => {
    skipIfVerified(user, fields.next);
    const started = await beginAdminPasskeyEnrollment(user, client);
    return started.ok ? { passkey: started.value } : handleDeadEnds(started);
  },
);

export const confirmPasskeyEnrollmentAction = verifyingStaffAction.form(
  { page: nextOf, form: ["challenge_id", "passkey_response", "next"] },
  async ({ fields, user, client }): Promise<EnrollState> => {
    skipIfVerified(user, fields.next);
    const response = parsePasskeyResponse(fields.passkey_response);
    if (!response) return codeFailure("passkey_not_created");
    const result = await confirmAdminPasskeyEnrollment(user, fields.challenge_id, response, client);
    if (!result.ok) return handleDeadEnds(result);
    await setSessionCookie(result.value.token);
    return { backupCodes: result.value.backupCodes ?? [] };
  },
);

/** After the new backup codes were seen: forget the verification and open the admin area. */
export const finishEnrollmentAction = verifyingStaffAction.submit(
  { page: nextOf, form: ["next"] },
  async ({ fields }): Promise<void> => {
    await clearAdminVerification();
    redirect(adminPath(fields.next));
  },
);
