"use server";

import { actorOf } from "@/lib/auth/guards";
import { requireStaff } from "@/lib/auth/admin/guard";
import { selectedUuids } from "@/lib/auth/admin/listing";
import { deleteExpiredLoginSessionsByAdmin, expireLoginSessions } from "@/lib/auth/admin/login-sessions";
import { currentClient } from "@/lib/auth/web-session";
import { backWith } from "../_lib/navigation";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

const PAGE = "/admin/login-sessions";

export async function expireLoginSessionsAction(formData: FormData): Promise<void> {
  if (isBadActionInput(formData)) return;
  const user = await requireStaff(PAGE);
  const ids = selectedUuids(formData.getAll("ids"));
  if (ids.length === 0) backWith(formData, PAGE, { notice: "none_selected" });
  const result = await expireLoginSessions(actorOf(user), ids, await currentClient());
  backWith(formData, PAGE, result.ok ? { notice: "login_sessions_expired", n: result.value } : { notice: "error", code: result.code });
}

export async function deleteExpiredLoginSessionsAction(formData: FormData): Promise<void> {
  if (isBadActionInput(formData)) return;
  const user = await requireStaff(PAGE);
  const result = await deleteExpiredLoginSessionsByAdmin(actorOf(user), await currentClient());
  backWith(formData, PAGE, result.ok ? { notice: "login_sessions_deleted", n: result.value } : { notice: "error", code: result.code });
}
