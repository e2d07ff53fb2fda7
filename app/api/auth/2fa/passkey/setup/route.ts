import { clientFrom } from "@/lib/auth/request/client";
import { beginPasskeyRegistration } from "@/lib/auth/passkeys/user-passkeys";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { STEP_UP_ERRORS } from "@/lib/openapi/error-sets";
import { RegistrationOptions } from "@/lib/openapi/responses";

/** Registration options for adding a passkey to the caller's account. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "session",
      body: "ignored",
      tag: "Passkeys",
      operationId: "passkeyRegistrationOptions",
      summary: "Registration options for a new passkey",
      responses: {
        200: { description: "Pass `options` to navigator.credentials.create().", body: RegistrationOptions },
      },
      errors: ["passkey_disabled", ...STEP_UP_ERRORS],
    },
    async ({ principal, request }) => {
      const result = await beginPasskeyRegistration(principal, clientFrom(request.headers));
      if (!result.ok) return errorResponse(result);
      return json({ session_id: result.value.sessionId, options: result.value.options });
    },
  ),
});
