"use server";

import { revokeApiKeys } from "@/lib/auth/admin/api-keys";
import { selectedIntIds } from "@/lib/auth/admin/listing";
import { staffAction } from "@/lib/http/action";
import { backWith } from "../_lib/navigation";

const PAGE = "/admin/api-keys";

export const revokeApiKeysAction = staffAction.submit(
  { page: PAGE },
  async ({ formData, actor, client }): Promise<void> => {
    const ids = selectedIntIds(formData.getAll("ids"));
    if (ids.length === 0) backWith(formData, PAGE, { notice: "none_selected" });
    const result = await revokeApiKeys(actor, ids, client);
    backWith(
      formData,
      PAGE,
      result.ok ? { notice: "api_keys_revoked", n: result.value } : { notice: "error", code: result.code },
    );
  },
);
