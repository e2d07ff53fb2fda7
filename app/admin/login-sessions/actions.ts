"use server";

import { selectedUuids } from "@/lib/auth/admin/listing";
import { deleteExpiredPendingLoginsByAdmin, expirePendingLogins } from "@/lib/auth/admin/pending-logins";
import { staffAction } from "@/lib/http/action";
import { backWith } from "../_lib/navigation";

const PAGE = "/admin/login-sessions";

export const expireLoginSessionsAction = staffAction.submit(
  { page: PAGE },
  async ({ formData, actor, client }): Promise<void> => {
    const ids = selectedUuids(formData.getAll("ids"));
    if (ids.length === 0) backWith(formData, PAGE, { notice: "none_selected" });
    const result = await expirePendingLogins(actor, ids, client);
    backWith(
      formData,
      PAGE,
      result.ok ? { notice: "login_sessions_expired", n: result.value } : { notice: "error", code: result.code },
    );
  },
);

export const deleteExpiredLoginSessionsAction = staffAction.submit(
  { page: PAGE },
  async ({ formData, actor, client }): Promise<void> => {
    const result = await deleteExpiredPendingLoginsByAdmin(actor, client);
    backWith(
      formData,
      PAGE,
      result.ok ? { notice: "login_sessions_deleted", n: result.value } : { notice: "error", code: result.code },
    );
  },
);
