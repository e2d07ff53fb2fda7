import { clientFrom } from "@/lib/auth/request/client";
import { renameUserPasskey } from "@/lib/auth/passkeys/user-passkeys";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { PasskeyRenameBody, passkeyJson } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { numericId } from "@/lib/http/url-schemas";
import { Passkey } from "@/lib/openapi/responses";

/** Renames one of the caller's passkeys; another user's id answers 404. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  PATCH: endpoint(
    {
      caller: "session",
      params: { id: numericId("The passkey's `id`.") },
      body: PasskeyRenameBody,
      tag: "Passkeys",
      operationId: "renamePasskey",
      summary: "Rename one of the caller's passkeys",
      responses: { 200: { description: "Renamed.", body: Passkey } },
      errors: ["credential_not_found"],
    },
    async ({ principal, params, body, request }) => {
      const passkeyId = /^\d{1,15}$/.test(params.id) ? Number(params.id) : -1;
      const result = await renameUserPasskey(principal.userId, passkeyId, body.name, clientFrom(request.headers));
      return result.ok ? json(passkeyJson(result.value)) : errorResponse(result);
    },
  ),
});
