"use server";

import { revalidatePath } from "next/cache";
import type { AdminActionState } from "@/components/admin/action-form";
import { noticeText } from "@/components/admin/notices";
import {
  regenerateUserBackupCodes,
  resetUserTwoFactor,
  setUserActive,
  setUserStaff,
  setUserSuperuser,
  unlockUserSecondFactor,
} from "@/lib/auth/admin/users";
import { staffAction } from "@/lib/http/action";
import { adminFailure, proofFrom } from "../_lib/forms";

/** The user's page: where the guard sends the browser back to, and what is revalidated. */
const pageOf = (f: { user_id: string }): string => {
  const userId = Number(f.user_id);
  return `/admin/users/${Number.isSafeInteger(userId) ? userId : ""}`;
};

export const resetTwoFactorAction = staffAction.form(
  { page: pageOf, form: ["user_id", "reason"] },
  async ({ fields, formData, actor, client }): Promise<AdminActionState> => {
    const result = await resetUserTwoFactor(actor, Number(fields.user_id), fields.reason, proofFrom(formData), client);
    if (!result.ok) return adminFailure(result);
    revalidatePath(pageOf(fields));
    return { done: noticeText("two_factor_reset") };
  },
);

export const regenerateBackupCodesAction = staffAction.form(
  { page: pageOf, form: ["user_id", "reason"] },
  async ({ fields, formData, actor, client }): Promise<AdminActionState> => {
    const result = await regenerateUserBackupCodes(
      actor,
      Number(fields.user_id),
      fields.reason,
      proofFrom(formData),
      client,
    );
    if (!result.ok) return adminFailure(result);
    // No revalidation: it would re-render the page without the codes before they are handed over.
    return { codes: result.value.codes, codesFor: result.value.username };
  },
);

export const setActiveAction = staffAction.form(
  { page: pageOf, form: ["user_id", "active"] },
  async ({ fields, formData, actor, client }): Promise<AdminActionState> => {
    const active = fields.active === "true";
    const result = await setUserActive(actor, Number(fields.user_id), active, proofFrom(formData), client);
    if (!result.ok) return adminFailure(result);
    revalidatePath(pageOf(fields));
    return { done: noticeText(active ? "user_activated" : "user_deactivated") };
  },
);

export const setStaffAction = staffAction.form(
  { page: pageOf, form: ["user_id", "staff"] },
  async ({ fields, formData, actor, client }): Promise<AdminActionState> => {
    const staff = fields.staff === "true";
    const result = await setUserStaff(actor, Number(fields.user_id), staff, proofFrom(formData), client);
    if (!result.ok) return adminFailure(result);
    revalidatePath(pageOf(fields));
    return { done: noticeText(staff ? "staff_granted" : "staff_revoked") };
  },
);

export const unlockSecondFactorAction = staffAction.form(
  { page: pageOf, form: ["user_id"] },
  async ({ fields, formData, actor, client }): Promise<AdminActionState> => {
    const result = await unlockUserSecondFactor(actor, Number(fields.user_id), proofFrom(formData), client);
    if (!result.ok) return adminFailure(result);
    revalidatePath(pageOf(fields));
    return { done: noticeText("second_factor_unlocked") };
  },
);

export const setSuperuserAction = staffAction.form(
  { page: pageOf, form: ["user_id", "superuser"] },
  async ({ fields, formData, actor, client }): Promise<AdminActionState> => {
    const superuser = fields.superuser === "true";
    const result = await setUserSuperuser(actor, Number(fields.user_id), superuser, proofFrom(formData), client);
    if (!result.ok) return adminFailure(result);
    revalidatePath(pageOf(fields));
    return { done: noticeText(superuser ? "superuser_granted" : "superuser_revoked") };
  },
);
