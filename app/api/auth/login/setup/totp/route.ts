import { clientFrom } from "@/lib/auth/request/client";
import { beginLoginTotpSetup } from "@/lib/auth/login/staff-enrollment";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { SessionIdBody } from "@/lib/http/schemas";
import { PENDING_LOGIN_ERRORS } from "@/lib/openapi/error-sets";
import { TotpSetup } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: SessionIdBody,
      tag: "Staff enrollment",
      operationId: "loginSetupTotp",
      summary: "Start TOTP enrollment during a staff first sign-in",
      responses: { 200: { description: "Scan the QR code, then confirm with a code.", body: TotpSetup } },
      errors: [
        ...PENDING_LOGIN_ERRORS,
        "not_authorized_for_user",
        "admin_2fa_not_required",
        "twofa_already_enabled",
        "totp_disabled",
      ],
    },
    async ({ body, request }) => {
      const setup = await beginLoginTotpSetup(body.session_id, clientFrom(request.headers));
      if (!setup.ok) return errorResponse(setup);
      return json({
        secret: setup.value.secret,
        qr_code: setup.value.qrCode,
        provisioning_uri: setup.value.provisioningUri,
      });
    },
  ),
});
