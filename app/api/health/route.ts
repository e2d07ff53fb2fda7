import { otherMethods } from "@/lib/http/route";

/** Liveness for load balancers: no authentication, no database, nothing cached. */
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
