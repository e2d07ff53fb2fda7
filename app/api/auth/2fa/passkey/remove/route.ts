import { clientFrom } from "@/lib/auth/request/client";
import { fail } from "@/lib/auth/errors";
import { removeUserPasskey } from "@/lib/auth/passkeys/user-passkeys";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { stepUpProof } from "@/lib/http/auth-responses";
import { PasskeyRemoveBody } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { PasskeyRemoveQuery } from "@/lib/http/url-schemas";
import { STEP_UP_ERRORS } from "@/lib/openapi/error-sets";
import { Message } from "@/lib/openapi/responses";

/**
 * Removes one of the caller's passkeys: 404 when unknown (django-lokdown answered 400), step-up
 * required (it asked for nothing). The proof travels in a JSON body, never in the URL.
 */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  DELETE: endpoint(
    {
      caller: "session",
      body: PasskeyRemoveBody,
      query: PasskeyRemoveQuery,
      tag: "Passkeys",
      operationId: "removePasskey",
      summary: "Remove one of the caller's passkeys (needs step-up)",
      description: "The credential id may be given in the query or the body; the step-up proof goes in the body.",
      responses: { 200: { description: "Removed.", body: Message } },
      errors: ["credential_id_required", "credential_not_found", ...STEP_UP_ERRORS, "staff_last_factor"],
    },
    async ({ principal, body, query, request }) => {
      const credentialId = (query.credential_id ?? "").trim() || body.credential_id;
      if (!credentialId) return errorResponse(fail("credential_id_required"));
      const result = await removeUserPasskey(principal, credentialId, stepUpProof(body), clientFrom(request.headers));
      return result.ok ? json({ message: "Passkey credential removed" }) : errorResponse(result);
    },
  ),
});
