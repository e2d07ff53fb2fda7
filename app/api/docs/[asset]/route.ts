import { fail } from "@/lib/auth/errors";
import { errorResponse } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { readDocsAsset } from "@/lib/openapi/docs-page";

type Context = { params: Promise<{ asset: string }> };

/** Swagger UI's script and style sheet, read from node_modules/swagger-ui-dist. */
export const GET = route<Context>(async (_request, { params }) => {
  const asset = await readDocsAsset((await params).asset);
  if (!asset) return errorResponse(fail("not_found"));
  return new Response(new Uint8Array(asset.body), {
    headers: { "content-type": asset.type, "x-content-type-options": "nosniff", "cache-control": "public, max-age=3600" },
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
