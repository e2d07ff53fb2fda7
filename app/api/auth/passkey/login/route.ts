import { clientFrom } from "@/lib/auth/request/client";
import { signInWithPasskey } from "@/lib/auth/passkeys/passwordless-sign-in";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { restTokens } from "@/lib/http/auth-responses";
import { PasskeyLoginBody } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { PENDING_LOGIN_ERRORS } from "@/lib/openapi/error-sets";
import { TokenPair } from "@/lib/openapi/responses";

/** Passwordless sign-in: a user-verified passkey alone yields a TokenPair. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: PasskeyLoginBody,
      tag: "Sign-in",
      operationId: "passwordlessLogin",
      summary: "Sign in with a user-verified passkey alone",
      responses: { 200: { description: "Signed in.", body: TokenPair } },
      errors: [...PENDING_LOGIN_ERRORS, "invalid_passkey", "passkey_disabled", "email_not_verified", "rate_limited"],
    },
    async ({ body, request }) => {
      const result = await signInWithPasskey(
        body.session_id,
        body.passkey_response,
        clientFrom(request.headers),
        issueTokenPair,
      );
      return result.ok ? json(restTokens(result.value.session)) : errorResponse(result);
    },
  ),
});
