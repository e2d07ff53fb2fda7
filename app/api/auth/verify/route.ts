import { clientFrom } from "@/lib/auth/request/client";
import { completePendingLogin } from "@/lib/auth/login/second-factor-step";
import { SECOND_FACTOR_ORDER } from "@/lib/auth/login/second-factor-order";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { restTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { VerifyBody } from "@/lib/http/schemas";
import { PENDING_LOGIN_ERRORS } from "@/lib/openapi/error-sets";
import { TokenPair } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: VerifyBody,
      tag: "Sign-in",
      operationId: "verifySecondFactor",
      summary: "Complete a sign-in with TOTP, a passkey or a backup code",
      responses: { 200: { description: "Signed in.", body: TokenPair } },
      errors: [
        ...PENDING_LOGIN_ERRORS,
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
      const { session_id, totp_token, backup_code, passkey_response } = body;
      const input = { totpToken: totp_token, backupCode: backup_code, passkeyResponse: passkey_response ?? undefined };
      const result = await completePendingLogin(
        session_id,
        input,
        SECOND_FACTOR_ORDER,
        clientFrom(request.headers),
        issueTokenPair,
      );
      return result.ok ? json(restTokens(result.value)) : errorResponse(result);
    },
  ),
});
