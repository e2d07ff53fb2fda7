import type { AdminActionState } from "@/components/admin/action-form";
import type { Failure } from "@/lib/auth/errors";
import type { StepUpProof } from "@/lib/auth/policy/step-up";
import { failureState, formFields } from "@/lib/http/form";

/** The admin's re-proof of identity, when the form carried one. */
export function proofFrom(formData: FormData): StepUpProof {
  const f = formFields(formData, ["password", "totp_token", "backup_code"]);
  return {
    password: f.password || undefined,
    totpToken: f.totp_token.trim() || undefined,
    backupCode: f.backup_code.trim() || undefined,
  };
}

/** A failure for an AdminActionForm; step-up failures ask for the password or code. */
export function adminFailure(failure: Failure): AdminActionState {
  const state = failureState(failure);
  if (
    failure.code === "reauth_required" ||
    failure.code === "second_factor_required" ||
    failure.code === "invalid_reauth"
  )
    state.fieldErrors = { ...state.fieldErrors, step_up: [state.error ?? ""] };
  return state;
}
