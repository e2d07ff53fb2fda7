"use server";

import { actorOf } from "@/lib/auth/guards";
import { requireStaff } from "@/lib/auth/admin/guard";
import { revokeApiKeys } from "@/lib/auth/admin/api-keys";
import { selectedIntIds } from "@/lib/auth/admin/listing";
import { currentClient } from "@/lib/auth/web-session";
import { backWith } from "../_lib/navigation";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

const PAGE = "/admin/api-keys";

export async function revokeApiKeysAction(formData: FormData): Promise<void> {
  if (isBadActionInput(formData)) return;
  const user = await requireStaff(PAGE);
  const ids = selectedIntIds(formData.getAll("ids"));
  if (ids.length === 0) backWith(formData, PAGE, { notice: "none_selected" });
  const result = await revokeApiKeys(actorOf(user), ids, await currentClient());
  backWith(formData, PAGE, result.ok ? { notice: "api_keys_revoked", n: result.value } : { notice: "error", code: result.code });
}
