import { clientFrom } from "@/lib/auth/request/client";
import { registerPasskey } from "@/lib/auth/passkeys/user-passkeys";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { PasskeyVerifyBody, passkeyJson } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { PENDING_LOGIN_ERRORS, STEP_UP_ERRORS } from "@/lib/openapi/error-sets";
import { PasskeyRegistered } from "@/lib/openapi/responses";

/** Finishes registration; session errors are 400, a bad response 401 (django-lokdown answered 401 to both). */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "session",
      body: PasskeyVerifyBody,
      tag: "Passkeys",
      operationId: "registerPasskey",
      summary: "Finish registering a passkey",
      responses: { 200: { description: "Registered.", body: PasskeyRegistered } },
      errors: [
        ...PENDING_LOGIN_ERRORS,
        "passkey_disabled",
        "invalid_passkey",
        "passkey_already_registered",
        ...STEP_UP_ERRORS,
      ],
    },
    async ({ principal, body, request }) => {
      const { session_id, passkey_response, name } = body;
      const result = await registerPasskey(principal, session_id, passkey_response, name, clientFrom(request.headers));
      if (!result.ok) return errorResponse(result);
      return json({ message: "Passkey setup verified successfully", credential: passkeyJson(result.value) });
    },
  ),
});
