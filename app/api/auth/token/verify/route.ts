import { clientFrom } from "@/lib/auth/request/client";
import { completePendingLogin } from "@/lib/auth/login/second-factor-step";
import { SECOND_FACTOR_ORDER } from "@/lib/auth/login/second-factor-order";
import { issueTokenPair, verifyAccessToken } from "@/lib/auth/sessions/tokens";
import { apiRoute, endpoint, oneOf } from "@/lib/http/api-route";
import { simpleJwtTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { TokenVerifyBody, VerifyBody } from "@/lib/http/schemas";
import { PENDING_LOGIN_ERRORS } from "@/lib/openapi/error-sets";
import { EmptyObject, SimpleJwtPairWith2fa } from "@/lib/openapi/responses";

/**
 * django-lokdown's second-factor step (session_id and a code), answered with SimpleJWT keys. A
 * body with only `token` is SimpleJWT's token-verify instead: 200 {} when the access token is
 * valid and not revoked.
 */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: oneOf([VerifyBody, TokenVerifyBody], (raw) =>
        typeof raw.token === "string" && raw.session_id === undefined ? TokenVerifyBody : VerifyBody,
      ),
      tag: "Sign-in",
      operationId: "verifyTokenOrSecondFactor",
      summary: "Second factor with SimpleJWT keys, or check an access token",
      description:
        "With `session_id`: as /api/auth/verify, answering `access`/`refresh`. With only `token`: 200 {} when the access token is valid.",
      responses: {
        200: { description: "Signed in, or the token is valid.", body: [SimpleJwtPairWith2fa, EmptyObject] },
      },
      errors: [
        ...PENDING_LOGIN_ERRORS,
        "token_not_valid",
        "no_2fa_method",
        "invalid_totp",
        "invalid_passkey",
        "invalid_backup_code",
        "primary_2fa_required",
        "account_second_factor_locked",
        "rate_limited",
        "backup_code_rate_limited",
      ],
    },
    async ({ body, request }) => {
      if ("token" in body) {
        const verified = await verifyAccessToken(body.token);
        return verified.ok ? json({}) : errorResponse(verified);
      }
      const { session_id, totp_token, backup_code, passkey_response } = body;
      const input = { totpToken: totp_token, backupCode: backup_code, passkeyResponse: passkey_response ?? undefined };
      const result = await completePendingLogin(
        session_id,
        input,
        SECOND_FACTOR_ORDER,
        clientFrom(request.headers),
        issueTokenPair,
      );
      return result.ok ? json(simpleJwtTokens(result.value)) : errorResponse(result);
    },
  ),
});
