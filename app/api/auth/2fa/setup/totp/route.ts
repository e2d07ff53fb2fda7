import { beginTotpEnrollment } from "@/lib/auth/two-factor/account-security";
import { clientFrom } from "@/lib/auth/request/client";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { stepUpProof } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { StepUpBody } from "@/lib/http/schemas";
import { STEP_UP_ERRORS } from "@/lib/openapi/error-sets";
import { TotpSetup } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "session",
      body: StepUpBody,
      tag: "Two-factor",
      operationId: "setupTotp",
      summary: "Start TOTP enrollment (policy totp.add)",
      description:
        "Each call replaces the pending secret; it expires unless confirmed. Needs a fresh proof: a second factor when the account has one, else the password.",
      responses: { 200: { description: "Scan the QR code, then confirm with a code.", body: TotpSetup } },
      errors: ["totp_disabled", "totp_already_enabled", ...STEP_UP_ERRORS],
    },
    async ({ principal, body, request }) => {
      // Policy "totp.add": refused here already, so no secret is shown to a caller who may not enroll.
      const setup = await beginTotpEnrollment(principal, stepUpProof(body), clientFrom(request.headers));
      if (!setup.ok) return errorResponse(setup);
      return json({
        secret: setup.value.secret,
        qr_code: setup.value.qrCode,
        provisioning_uri: setup.value.provisioningUri,
      });
    },
  ),
});
