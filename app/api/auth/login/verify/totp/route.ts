import { clientFrom } from "@/lib/auth/request/client";
import { confirmLoginTotpSetup } from "@/lib/auth/login/staff-enrollment";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { restTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { LoginTotpVerifyBody } from "@/lib/http/schemas";
import { PENDING_LOGIN_ERRORS } from "@/lib/openapi/error-sets";
import { TokenPairWithBackupCodes } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: LoginTotpVerifyBody,
      tag: "Staff enrollment",
      operationId: "loginVerifyTotp",
      summary: "Confirm TOTP enrollment and sign in",
      responses: {
        200: { description: "Enrolled and signed in; backup codes shown once.", body: TokenPairWithBackupCodes },
      },
      errors: [
        ...PENDING_LOGIN_ERRORS,
        "not_authorized_for_user",
        "admin_2fa_not_required",
        "twofa_already_enabled",
        "totp_disabled",
        "totp_no_pending_setup",
        "invalid_totp",
      ],
    },
    async ({ body, request }) => {
      const result = await confirmLoginTotpSetup(
        body.session_id,
        body.totp_token,
        clientFrom(request.headers),
        issueTokenPair,
      );
      if (!result.ok) return errorResponse(result);
      return json({
        ...restTokens(result.value.session),
        message: "TOTP setup verified successfully",
        backup_codes: result.value.backupCodes,
      });
    },
  ),
});
