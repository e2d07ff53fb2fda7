import { enableTotp } from "@/lib/auth/two-factor/account-security";
import { clientFrom } from "@/lib/auth/request/client";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { TotpTokenBody } from "@/lib/http/schemas";
import { STEP_UP_ERRORS } from "@/lib/openapi/error-sets";
import { BackupCodes } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "session",
      body: TotpTokenBody,
      tag: "Two-factor",
      operationId: "verifyTotpSetup",
      summary: "Confirm TOTP enrollment",
      responses: {
        200: {
          description:
            "TOTP is on; a first set of backup codes, shown once, or [] when the account's unused codes were kept.",
          body: BackupCodes,
        },
      },
      errors: ["totp_disabled", "totp_already_enabled", "totp_no_pending_setup", "invalid_totp", ...STEP_UP_ERRORS],
    },
    async ({ principal, body, request }) => {
      const result = await enableTotp(principal, body.totp_token, clientFrom(request.headers));
      if (!result.ok) return errorResponse(result);
      return json({ message: "TOTP setup verified successfully", backup_codes: result.value.backupCodes });
    },
  ),
});
