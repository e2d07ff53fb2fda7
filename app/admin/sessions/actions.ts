"use server";

import { revokeAuthSessions } from "@/lib/auth/admin/sessions";
import { selectedUuids } from "@/lib/auth/admin/listing";
import { staffAction } from "@/lib/http/action";
import { backWith } from "../_lib/navigation";

const PAGE = "/admin/sessions";

export const revokeSessionsAction = staffAction.submit(
  { page: PAGE },
  async ({ formData, actor, client }): Promise<void> => {
    const ids = selectedUuids(formData.getAll("ids"));
    if (ids.length === 0) backWith(formData, PAGE, { notice: "none_selected" });
    const result = await revokeAuthSessions(actor, ids, client);
    backWith(
      formData,
      PAGE,
      result.ok ? { notice: "sessions_revoked", n: result.value } : { notice: "error", code: result.code },
    );
  },
);
