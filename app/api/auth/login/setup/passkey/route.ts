import { clientFrom } from "@/lib/auth/request/client";
import { beginLoginPasskeySetup } from "@/lib/auth/login/staff-enrollment-passkey";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { SessionIdBody } from "@/lib/http/schemas";
import { PENDING_LOGIN_ERRORS } from "@/lib/openapi/error-sets";
import { RegistrationOptions } from "@/lib/openapi/responses";

/** Staff first login: registration options; the answer's session_id is a new (challenge) id. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: SessionIdBody,
      tag: "Staff enrollment",
      operationId: "loginSetupPasskey",
      summary: "Passkey registration options during a staff first sign-in",
      description:
        "The answer's session_id names the registration challenge; send it to /api/auth/login/verify/passkey.",
      responses: {
        200: { description: "Pass `options` to navigator.credentials.create().", body: RegistrationOptions },
      },
      errors: [
        ...PENDING_LOGIN_ERRORS,
        "not_authorized_for_user",
        "admin_2fa_not_required",
        "twofa_already_enabled",
        "passkey_disabled",
        "rate_limited",
      ],
    },
    async ({ body, request }) => {
      const result = await beginLoginPasskeySetup(body.session_id, clientFrom(request.headers));
      if (!result.ok) return errorResponse(result);
      return json({ session_id: result.value.sessionId, options: result.value.options });
    },
  ),
});
