"use server";

import { actorOf } from "@/lib/auth/guards";
import { reauthenticate } from "@/lib/auth/step-up";
import { currentClient, getWebUser } from "@/lib/auth/web-session";
import { failureState, formFields } from "@/lib/http/form";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

export type ReauthenticateResult = { ok: true } | { ok: false; error: string; signedOut?: boolean };

/**
 * The step-up dialog's submit: a password, or a code (six digits read as an authenticator code,
 * anything else as a backup code). Success refreshes this session's step-up window.
 */
export async function reauthenticateAction(formData: FormData): Promise<ReauthenticateResult> {
  if (isBadActionInput(formData)) return { ok: false, error: INVALID_ACTION_INPUT.error };
  const user = await getWebUser();
  if (!user) return { ok: false, error: "Your session has ended. Sign in again.", signedOut: true };
  const fields = formFields(formData, ["password", "code"]);
  const code = fields.code.replace(/[\s-]/g, "");
  if (fields.password.length > 1024 || code.length > 64) return { ok: false, error: "Invalid password or code" };
  const proof = fields.password ? { password: fields.password } : /^\d{6}$/.test(code) ? { totpToken: code } : code ? { backupCode: code } : {};
  const result = await reauthenticate(actorOf(user), proof, await currentClient());
  if (result.ok) return { ok: true };
  return { ok: false, error: result.code === "validation_error" ? "Enter your password or a code." : (failureState(result).error ?? "Invalid password or code") };
}
