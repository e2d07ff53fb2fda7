import { authorizeCronRequest } from "@/lib/auth/cron";
import { applyCleanupExclusive } from "@/lib/auth/cleanup";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/**
 * The scheduled cleanup for platforms without a long-lived process (issue 19): a scheduler calls
 * this with `Authorization: Bearer $LOKDOWN_CRON_SECRET`. Answers 404 while no secret is set.
 */
export const POST = route(async (request) => {
  const authorized = authorizeCronRequest(request.headers);
  if (!authorized.ok) return errorResponse(authorized);
  const result = await applyCleanupExclusive();
  if (!result) return json({ ran: false, reason: "another cleanup is running" });
  const counts = Object.fromEntries(Object.entries(result.counts).map(([name, n]) => [name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), n]));
  return json({ ran: true, retention_days: result.retentionDays, cutoff: result.cutoff, total: result.total, counts });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
