import { readiness } from "@/lib/health/readiness";
import { otherMethods } from "@/lib/http/route";

/**
 * Readiness for load balancers and orchestrators: 200 only when PostgreSQL answers and every
 * migration this build ships is applied, else 503. The reason's details go to the server log.
 */
export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const result = await readiness();
  const headers = { "cache-control": "no-store" };
  if (result.ready) return Response.json({ status: "ready" }, { headers });
  return Response.json({ status: "not_ready", reason: result.reason }, { status: 503, headers: { ...headers, "retry-after": "5" } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
