"use server";

import { revalidatePath } from "next/cache";
import {
  beginTotpEnrollment,
  disableTwoFactorWithStepUp,
  enableTotp,
  regenerateBackupCodesWithStepUp,
} from "@/lib/auth/two-factor/account-security";
import { userAction } from "@/lib/http/action";
import { failureState, type FormState } from "@/lib/http/form";

export type TotpSetupState = FormState & { setup?: { secret: string; qrCode: string }; backupCodes?: string[] };
export type CodesState = FormState & { backupCodes?: string[]; done?: boolean };

const PAGE = "/account/security";
const PROOF = ["password", "totp_token"] as const;

function proofFrom(f: Record<(typeof PROOF)[number], string>) {
  return { password: f.password || undefined, totpToken: f.totp_token.trim() || undefined };
}

export const beginTotpSetupAction = userAction.form(
  { page: PAGE, form: PROOF },
  async ({ fields, actor, client }): Promise<TotpSetupState> => {
    const setup = await beginTotpEnrollment(actor, proofFrom(fields), client);
    return setup.ok ? { setup: { secret: setup.value.secret, qrCode: setup.value.qrCode } } : failureState(setup);
  },
);

export const confirmTotpSetupAction = userAction.form(
  { page: PAGE, form: ["totp_token"] },
  async ({ fields, actor, client, state }): Promise<TotpSetupState> => {
    const result = await enableTotp(actor, fields.totp_token, client);
    if (!result.ok) return { ...failureState(result), setup: state.setup };
    // No revalidation here: it would re-render the page without this form before the codes are seen.
    return { backupCodes: result.value.backupCodes };
  },
);

export const regenerateBackupCodesAction = userAction.form(
  { page: PAGE, form: PROOF },
  async ({ fields, actor, client }): Promise<CodesState> => {
    const result = await regenerateBackupCodesWithStepUp(actor, proofFrom(fields), client);
    if (!result.ok) return failureState(result);
    revalidatePath(PAGE);
    return { backupCodes: result.value };
  },
);

export const disableTwoFactorAction = userAction.form(
  { page: PAGE, form: PROOF },
  async ({ fields, actor, client }): Promise<CodesState> => {
    const result = await disableTwoFactorWithStepUp(actor, proofFrom(fields), client);
    if (!result.ok) return failureState(result);
    revalidatePath(PAGE);
    return { done: true };
  },
);
