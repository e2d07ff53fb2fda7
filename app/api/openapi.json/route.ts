import { json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/openapi/document";

/** The OpenAPI 3.1 description of this API (the same document as the committed openapi.json). */
export const GET = route(async () => json(openApiDocument(), 200, { "cache-control": "public, max-age=300" }));

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
