import { applyCleanupExclusive } from "@/lib/auth/maintenance/cleanup";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { json } from "@/lib/http/respond";
import { CleanupRan, CleanupSkipped } from "@/lib/openapi/responses";

/** What `security-audit --cleanup --force` does, one instance at a time; the answer says which. */
async function runCleanup(): Promise<Response> {
  const result = await applyCleanupExclusive();
  if (!result) return json({ ran: false, reason: "another cleanup is running" });
  const counts = Object.fromEntries(
    Object.entries(result.counts).map(([name, n]) => [name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), n]),
  );
  return json({ ran: true, retention_days: result.retentionDays, cutoff: result.cutoff, total: result.total, counts });
}

const cleanup = (method: "GET" | "POST") =>
  endpoint(
    {
      caller: "cron",
      tag: "Meta",
      operationId: method === "POST" ? "cronCleanup" : "cronCleanupGet",
      summary:
        method === "POST"
          ? "Run the scheduled cleanup (for a platform's cron)"
          : "Run the scheduled cleanup (for schedulers that can only send GET)",
      description:
        "What `security-audit --cleanup --force` does, one instance at a time. Requires `Authorization: Bearer <LOKDOWN_CRON_SECRET>`; while the setting is unset the route does not exist (404).",
      responses: {
        200: {
          description: "The cleanup ran, or another instance was already running it.",
          body: [CleanupRan, CleanupSkipped],
        },
      },
    },
    runCleanup,
  );

/**
 * The scheduled cleanup for platforms without a long-lived process: a scheduler calls this with
 * `Authorization: Bearer $LOKDOWN_CRON_SECRET`. GET as well as POST, because some schedulers (Vercel
 * Cron among them) only send GET; the bearer secret, never a cookie, is what authorizes it, so a
 * cross-site GET cannot trigger it. Answers 404 while no secret is set.
 */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({ GET: cleanup("GET"), POST: cleanup("POST") });
