import { apiRoute, endpoint } from "@/lib/http/api-route";
import { DOCS_CSP, DOCS_HTML } from "@/lib/openapi/docs-page";

/** Interactive API documentation (Swagger UI from the installed package; no CDN). */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "anyone",
      tag: "Meta",
      operationId: "docs",
      summary: "Interactive documentation (Swagger UI, served from this app)",
      responses: { 200: { description: "HTML page.", contentType: "text/html" } },
    },
    async () =>
      new Response(DOCS_HTML, {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": DOCS_CSP,
          "x-content-type-options": "nosniff",
          "cache-control": "no-cache",
        },
      }),
  ),
});
