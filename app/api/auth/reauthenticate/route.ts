import { clientFrom } from "@/lib/auth/request/client";
import { reauthenticate } from "@/lib/auth/policy/step-up";
import { ReauthenticateBody } from "@/lib/http/account-schemas";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { stepUpProof } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { STEP_UP_ERRORS } from "@/lib/openapi/error-sets";
import { Reauthenticated } from "@/lib/openapi/responses";

/**
 * The answer to a step-up refusal: the proof the policy names for this account (a second factor
 * when it has one, else the password), then retry within the window.
 */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "session",
      body: ReauthenticateBody,
      tag: "Account",
      operationId: "reauthenticate",
      summary: "Step up: give the proof the policy names, then retry the refused action",
      description:
        "The answer to 403 `second_factor_required` (send `totp_token`, `backup_code` or `passkey_response`) or `reauth_required` (send `password`). A proof of another kind is refused with the code that names the right one.",
      responses: { 200: { description: "Step-up window open.", body: Reauthenticated } },
      errors: STEP_UP_ERRORS,
    },
    async ({ principal, body, request }) => {
      const result = await reauthenticate(principal, stepUpProof(body), clientFrom(request.headers));
      if (!result.ok) return errorResponse(result);
      return json({
        message: "Reauthenticated",
        reauth_valid_until: result.value.validUntil.toISOString(),
        proved: result.value.proved,
      });
    },
  ),
});
