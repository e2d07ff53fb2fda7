"use server";

import { actorOf } from "@/lib/auth/guards";
import { requireStaff } from "@/lib/auth/admin/guard";
import { revokeAuthSessions } from "@/lib/auth/admin/auth-sessions";
import { selectedUuids } from "@/lib/auth/admin/listing";
import { currentClient } from "@/lib/auth/web-session";
import { backWith } from "../_lib/navigation";
import { INVALID_ACTION_INPUT, isBadActionInput } from "@/lib/http/action-input";

const PAGE = "/admin/sessions";

export async function revokeSessionsAction(formData: FormData): Promise<void> {
  if (isBadActionInput(formData)) return;
  const user = await requireStaff(PAGE);
  const ids = selectedUuids(formData.getAll("ids"));
  if (ids.length === 0) backWith(formData, PAGE, { notice: "none_selected" });
  const result = await revokeAuthSessions(actorOf(user), ids, await currentClient());
  backWith(formData, PAGE, result.ok ? { notice: "sessions_revoked", n: result.value } : { notice: "error", code: result.code });
}
