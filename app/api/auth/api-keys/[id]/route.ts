import { revokeUserApiKey } from "@/lib/auth/api-access/api-keys";
import { clientFrom } from "@/lib/auth/request/client";
import { fail } from "@/lib/auth/errors";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { parseApiKeyId } from "@/lib/http/api-key-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { numericId } from "@/lib/http/url-schemas";
import { Message } from "@/lib/openapi/responses";

/** Revokes the caller's key; staff may revoke anyone's. A key cannot revoke keys (session only). */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  DELETE: endpoint(
    {
      caller: "session",
      params: { id: numericId("The key's `id`.") },
      tag: "API keys",
      operationId: "revokeApiKey",
      summary: "Revoke a key (staff may revoke anyone's)",
      responses: { 200: { description: "Revoked.", body: Message } },
      errors: ["api_keys_disabled", "api_key_not_found", "staff_aal2_required"],
    },
    async ({ principal, params, request }) => {
      const keyId = parseApiKeyId(params.id);
      if (keyId === null) return errorResponse(fail("api_key_not_found"));
      const result = await revokeUserApiKey(principal, keyId, clientFrom(request.headers));
      return result.ok ? json({ message: "API key revoked" }) : errorResponse(result);
    },
  ),
});
