import { regenerateBackupCodesWithStepUp } from "@/lib/auth/two-factor/account-security";
import { clientFrom } from "@/lib/auth/request/client";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { stepUpProof } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { StepUpBody } from "@/lib/http/schemas";
import { STEP_UP_ERRORS } from "@/lib/openapi/error-sets";
import { BackupCodes } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "session",
      body: StepUpBody,
      tag: "Two-factor",
      operationId: "regenerateBackupCodes",
      summary: "Replace the backup codes (needs step-up)",
      responses: { 200: { description: "The new codes, shown once; the old ones stop working.", body: BackupCodes } },
      errors: [...STEP_UP_ERRORS, "no_backup_codes_without_factor"],
    },
    async ({ principal, body, request }) => {
      const result = await regenerateBackupCodesWithStepUp(principal, stepUpProof(body), clientFrom(request.headers));
      return result.ok
        ? json({ message: "Backup codes regenerated", backup_codes: result.value })
        : errorResponse(result);
    },
  ),
});
