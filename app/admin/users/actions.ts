"use server";

import { revalidatePath } from "next/cache";
import type { AdminActionState } from "@/components/admin/action-form";
import { actorOf } from "@/lib/auth/guards";
import { requireStaff } from "@/lib/auth/admin/guard";
import { regenerateUserBackupCodes, resetUserTwoFactor, setUserActive, setUserStaff, setUserSuperuser, unlockUserSecondFactor } from "@/lib/auth/admin/users";
import { currentClient } from "@/lib/auth/web-session";
import { formFields } from "@/lib/http/form";
import { adminFailure, proofFrom } from "../_lib/forms";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

function targetOf(formData: FormData): { userId: number; page: string } {
  const userId = Number(formFields(formData, ["user_id"]).user_id);
  return { userId, page: `/admin/users/${Number.isSafeInteger(userId) ? userId : ""}` };
}

export async function resetTwoFactorAction(_: AdminActionState, formData: FormData): Promise<AdminActionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const { userId, page } = targetOf(formData);
  const user = await requireStaff(page);
  const result = await resetUserTwoFactor(actorOf(user), userId, formFields(formData, ["reason"]).reason, proofFrom(formData), await currentClient());
  if (!result.ok) return adminFailure(result);
  revalidatePath(page);
  return { done: "Two-factor authentication was reset and the user's sessions were ended. The reason is in the security log." };
}

export async function regenerateBackupCodesAction(_: AdminActionState, formData: FormData): Promise<AdminActionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const { userId, page } = targetOf(formData);
  const user = await requireStaff(page);
  const result = await regenerateUserBackupCodes(actorOf(user), userId, formFields(formData, ["reason"]).reason, proofFrom(formData), await currentClient());
  if (!result.ok) return adminFailure(result);
  // No revalidation: it would re-render the page without the codes before they are handed over.
  return { codes: result.value.codes, codesFor: result.value.username };
}

export async function setActiveAction(_: AdminActionState, formData: FormData): Promise<AdminActionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const { userId, page } = targetOf(formData);
  const user = await requireStaff(page);
  const active = formFields(formData, ["active"]).active === "true";
  const result = await setUserActive(actorOf(user), userId, active, proofFrom(formData), await currentClient());
  if (!result.ok) return adminFailure(result);
  revalidatePath(page);
  return { done: active ? "The account is active again." : "The account is deactivated and its sessions were ended." };
}

export async function setStaffAction(_: AdminActionState, formData: FormData): Promise<AdminActionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const { userId, page } = targetOf(formData);
  const user = await requireStaff(page);
  const staff = formFields(formData, ["staff"]).staff === "true";
  const result = await setUserStaff(actorOf(user), userId, staff, proofFrom(formData), await currentClient());
  if (!result.ok) return adminFailure(result);
  revalidatePath(page);
  return { done: staff ? "Now staff. They reach the admin area after a second factor in their own session." : "No longer staff." };
}

export async function unlockSecondFactorAction(_: AdminActionState, formData: FormData): Promise<AdminActionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const { userId, page } = targetOf(formData);
  const user = await requireStaff(page);
  const result = await unlockUserSecondFactor(actorOf(user), userId, proofFrom(formData), await currentClient());
  if (!result.ok) return adminFailure(result);
  revalidatePath(page);
  return { done: "Sign-in with a code works again for this user." };
}

export async function setSuperuserAction(_: AdminActionState, formData: FormData): Promise<AdminActionState> {
  if (isBadActionInput(formData)) return INVALID_ACTION_INPUT;
  const { userId, page } = targetOf(formData);
  const user = await requireStaff(page);
  const superuser = formFields(formData, ["superuser"]).superuser === "true";
  const result = await setUserSuperuser(actorOf(user), userId, superuser, proofFrom(formData), await currentClient());
  if (!result.ok) return adminFailure(result);
  revalidatePath(page);
  return { done: superuser ? "Now a superuser: may manage staff." : "No longer a superuser." };
}
