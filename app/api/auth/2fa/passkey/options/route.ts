import { clientFrom } from "@/lib/auth/request/client";
import { beginPasskeyLoginStep } from "@/lib/auth/passkeys/assertions";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { SessionIdBody } from "@/lib/http/schemas";
import { PENDING_LOGIN_ERRORS } from "@/lib/openapi/error-sets";
import { AssertionOptions } from "@/lib/openapi/responses";

/** Authentication options for the passkey step of a pending login. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: SessionIdBody,
      tag: "Sign-in",
      operationId: "passkeyStepOptions",
      summary: "WebAuthn options for the passkey step of a pending sign-in",
      responses: { 200: { description: "Pass `options` to navigator.credentials.get().", body: AssertionOptions } },
      errors: [...PENDING_LOGIN_ERRORS, "passkey_not_enabled", "rate_limited"],
    },
    async ({ body, request }) => {
      const result = await beginPasskeyLoginStep(body.session_id, clientFrom(request.headers));
      if (!result.ok) return errorResponse(result);
      const { challenge, rpId, timeout, options } = result.value;
      return json({ challenge, rp_id: rpId, timeout, options });
    },
  ),
});
