import { csvFilename } from "@/lib/auth/admin/csv";
import { exportCsv, isExportResource } from "@/lib/auth/admin/exports";
import { fail } from "@/lib/auth/errors";
import { errorResponse } from "@/lib/http/respond";
import { staffOtherMethods, staffRoute } from "../../_lib/staff-route";

/** CSV of an admin list, with the page's search, filters and sort (every page of it). */
export const GET = staffRoute(async (request, _user, context) => {
  const { resource } = await context.params;
  if (typeof resource !== "string" || !isExportResource(resource)) return errorResponse(fail("not_found"));
  const rows = exportCsv(resource, new URL(request.url).searchParams);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${csvFilename(resource, new Date())}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});

export const { POST, PUT, PATCH, DELETE } = staffOtherMethods("GET");
