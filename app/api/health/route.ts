import { apiRoute, endpoint } from "@/lib/http/api-route";
import { json } from "@/lib/http/respond";
import { Health } from "@/lib/openapi/responses";

/** Liveness for load balancers: no authentication, no database, nothing cached. */
export const dynamic = "force-dynamic";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "anyone",
      tag: "Meta",
      operationId: "health",
      summary: "Liveness (no database access)",
      responses: { 200: { description: "Alive.", body: Health } },
    },
    async () => json({ status: "ok" }),
  ),
});
