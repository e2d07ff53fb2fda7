import { apiRoute, endpoint } from "@/lib/http/api-route";
import { json } from "@/lib/http/respond";
import { OpenApiDocument } from "@/lib/openapi/responses";
import document from "@/openapi.json" with { type: "json" };

/**
 * The OpenAPI 3.1 description of this API: the committed openapi.json, which a test keeps equal to
 * the document generated from the routes' declarations. Serving the file, not generating it here,
 * keeps every route module out of this one.
 */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "anyone",
      tag: "Meta",
      operationId: "openapi",
      summary: "This OpenAPI 3.1 description",
      responses: { 200: { description: "The document.", body: OpenApiDocument } },
    },
    async () => json(document, 200, { "cache-control": "public, max-age=300" }),
  ),
});
