// The framework's own limit: one route handler returning JSON, served by plain `next start` with
// no proxy, no custom server and no configuration. `npm run bench` measures every target of the
// app against it, on the same CPU, in the same run.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
