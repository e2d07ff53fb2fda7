import { clientFrom } from "@/lib/auth/request/client";
import { confirmLoginPasskeySetup } from "@/lib/auth/login/staff-enrollment-passkey";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { restTokens } from "@/lib/http/auth-responses";
import { PasskeyVerifyBody } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { PENDING_LOGIN_ERRORS } from "@/lib/openapi/error-sets";
import { TokenPairWithMessage } from "@/lib/openapi/responses";

/** Staff first login: registers the passkey and signs in. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: PasskeyVerifyBody,
      tag: "Staff enrollment",
      operationId: "loginVerifyPasskey",
      summary: "Register the passkey and sign in",
      responses: { 200: { description: "Enrolled and signed in.", body: TokenPairWithMessage } },
      errors: [
        ...PENDING_LOGIN_ERRORS,
        "not_authorized_for_user",
        "admin_2fa_not_required",
        "twofa_already_enabled",
        "passkey_disabled",
        "invalid_passkey",
        "passkey_already_registered",
      ],
    },
    async ({ body, request }) => {
      const { session_id, passkey_response, name } = body;
      const result = await confirmLoginPasskeySetup(
        session_id,
        passkey_response,
        name,
        clientFrom(request.headers),
        issueTokenPair,
      );
      if (!result.ok) return errorResponse(result);
      return json({ ...restTokens(result.value.session), message: "Passkey setup verified successfully" });
    },
  ),
});
