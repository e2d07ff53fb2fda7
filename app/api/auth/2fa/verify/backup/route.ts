import { backupCodeFactor } from "@/lib/auth/two-factor/backup-codes";
import { clientFrom } from "@/lib/auth/request/client";
import { completePendingLogin } from "@/lib/auth/login/second-factor-step";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { restTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { BackupVerifyBody } from "@/lib/http/schemas";
import { PENDING_LOGIN_ERRORS } from "@/lib/openapi/error-sets";
import { TokenPairWithMessage } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: BackupVerifyBody,
      tag: "Sign-in",
      operationId: "verifyBackupCode",
      summary: "Complete a sign-in with a backup code",
      responses: { 200: { description: "Signed in; the code is used up.", body: TokenPairWithMessage } },
      errors: [
        ...PENDING_LOGIN_ERRORS,
        "invalid_backup_code",
        "primary_2fa_required",
        "account_second_factor_locked",
        "backup_code_rate_limited",
      ],
    },
    async ({ body, request }) => {
      const input = { backupCode: body.backup_code };
      const result = await completePendingLogin(
        body.session_id,
        input,
        [backupCodeFactor],
        clientFrom(request.headers),
        issueTokenPair,
      );
      return result.ok
        ? json({ ...restTokens(result.value), message: "Backup code verified successfully" })
        : errorResponse(result);
    },
  ),
});
