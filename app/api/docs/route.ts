import { otherMethods, route } from "@/lib/http/route";
import { DOCS_CSP, DOCS_HTML } from "@/lib/openapi/docs-page";

/** Interactive API documentation (Swagger UI from the installed package; no CDN). */
export const GET = route(async () =>
  new Response(DOCS_HTML, {
    headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": DOCS_CSP, "x-content-type-options": "nosniff", "cache-control": "no-cache" },
  }),
);

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
