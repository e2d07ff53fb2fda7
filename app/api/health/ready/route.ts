import { readiness } from "@/lib/health/readiness";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { json } from "@/lib/http/respond";
import { NotReady, Ready } from "@/lib/openapi/responses";

/**
 * Readiness for load balancers and orchestrators: 200 only when PostgreSQL answers and every
 * migration this build ships is applied, else 503. The reason's details go to the server log.
 */
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "anyone",
      tag: "Meta",
      operationId: "ready",
      summary: "Readiness: PostgreSQL answers and every migration this build ships is applied",
      responses: {
        200: { description: "Ready to serve.", body: Ready },
        503: { description: "Not ready; details in the server log.", body: NotReady },
      },
    },
    async () => {
      const result = await readiness();
      if (result.ready) return json({ status: "ready" });
      return json({ status: "not_ready", reason: result.reason }, 503, { "retry-after": "5" });
    },
  ),
});
