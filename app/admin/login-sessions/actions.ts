"use server";

import { selectedUuids } from "@/lib/auth/admin/listing";
import { deleteExpiredLoginSessionsByAdmin, expireLoginSessions } from "@/lib/auth/admin/login-sessions";
import { staffAction } from "@/lib/http/action";
import { backWith } from "../_lib/navigation";

const PAGE = "/admin/login-sessions";

export const expireLoginSessionsAction = staffAction.submit({ page: PAGE }, async ({ formData, actor, client }): Promise<void> => {
  const ids = selectedUuids(formData.getAll("ids"));
  if (ids.length === 0) backWith(formData, PAGE, { notice: "none_selected" });
  const result = await expireLoginSessions(actor, ids, client);
  backWith(formData, PAGE, result.ok ? { notice: "login_sessions_expired", n: result.value } : { notice: "error", code: result.code });
});

export const deleteExpiredLoginSessionsAction = staffAction.submit({ page: PAGE }, async ({ formData, actor, client }): Promise<void> => {
  const result = await deleteExpiredLoginSessionsByAdmin(actor, client);
  backWith(formData, PAGE, result.ok ? { notice: "login_sessions_deleted", n: result.value } : { notice: "error", code: result.code });
});
