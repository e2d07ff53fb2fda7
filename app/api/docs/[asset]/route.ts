import { z } from "zod";
import { fail } from "@/lib/auth/errors";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse } from "@/lib/http/respond";
import { DOCS_ASSET_NAMES, readDocsAsset } from "@/lib/openapi/docs-page";

/** Swagger UI's script and style sheet, read from node_modules/swagger-ui-dist. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "anyone",
      params: { asset: z.enum(DOCS_ASSET_NAMES as [string, ...string[]]).meta({ description: "File name." }) },
      tag: "Meta",
      operationId: "docsAsset",
      summary: "Swagger UI script and style sheet",
      responses: { 200: { description: "The file.", contentType: "application/octet-stream" } },
      errors: ["not_found"],
    },
    async ({ params }) => {
      const asset = await readDocsAsset(params.asset);
      if (!asset) return errorResponse(fail("not_found"));
      return new Response(new Uint8Array(asset.body), {
        headers: {
          "content-type": asset.type,
          "x-content-type-options": "nosniff",
          "cache-control": "public, max-age=3600",
        },
      });
    },
  ),
});
