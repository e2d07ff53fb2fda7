"use server";

import { revalidatePath } from "next/cache";
import { beginTotpEnrollment, disableTwoFactorWithStepUp, enableTotp, regenerateBackupCodesWithStepUp } from "@/lib/auth/account-security";
import { actorOf, requireWebUser } from "@/lib/auth/guards";
import { currentClient } from "@/lib/auth/web-session";
import { failureState, formFields, type FormState } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

export type TotpSetupState = FormState & { setup?: { secret: string; qrCode: string }; backupCodes?: string[] };
export type CodesState = FormState & { backupCodes?: string[]; done?: boolean };

const PAGE = "/account/security";

function proofFrom(formData: FormData) {
  const f = formFields(formData, ["password", "totp_token"]);
  return { password: f.password || undefined, totpToken: f.totp_token.trim() || undefined };
}

export async function beginTotpSetupAction(_: TotpSetupState, formData: FormData): Promise<TotpSetupState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(PAGE);
  const setup = await beginTotpEnrollment(actorOf(user), proofFrom(formData), await currentClient());
  return setup.ok ? { setup: { secret: setup.value.secret, qrCode: setup.value.qrCode } } : failureState(setup);
}

export async function confirmTotpSetupAction(state: TotpSetupState, formData: FormData): Promise<TotpSetupState> {
  if (isBadActionInput(formData, state)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(PAGE);
  const { totp_token } = formFields(formData, ["totp_token"]);
  const result = await enableTotp(actorOf(user), totp_token, await currentClient());
  if (!result.ok) return { ...failureState(result), setup: state.setup };
  // No revalidation here: it would re-render the page without this form before the codes are seen.
  return { backupCodes: result.value.backupCodes };
}

export async function regenerateBackupCodesAction(_: CodesState, formData: FormData): Promise<CodesState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(PAGE);
  const result = await regenerateBackupCodesWithStepUp(actorOf(user), proofFrom(formData), await currentClient());
  if (!result.ok) return failureState(result);
  revalidatePath(PAGE);
  return { backupCodes: result.value };
}

export async function disableTwoFactorAction(_: CodesState, formData: FormData): Promise<CodesState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const user = await requireWebUser(PAGE);
  const result = await disableTwoFactorWithStepUp(actorOf(user), proofFrom(formData), await currentClient());
  if (!result.ok) return failureState(result);
  revalidatePath(PAGE);
  return { done: true };
}
