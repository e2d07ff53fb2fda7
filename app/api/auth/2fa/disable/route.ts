import { disableTwoFactorWithStepUp } from "@/lib/auth/two-factor/account-security";
import { clientFrom } from "@/lib/auth/request/client";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { stepUpProof } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { StepUpBody } from "@/lib/http/schemas";
import { STEP_UP_ERRORS } from "@/lib/openapi/error-sets";
import { Message } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "session",
      body: StepUpBody,
      tag: "Two-factor",
      operationId: "disableTwoFactor",
      summary: "Remove every factor and backup code (needs step-up)",
      responses: { 200: { description: "2FA is off.", body: Message } },
      errors: [...STEP_UP_ERRORS, "twofa_required_for_staff"],
    },
    async ({ principal, body, request }) => {
      const result = await disableTwoFactorWithStepUp(principal, stepUpProof(body), clientFrom(request.headers));
      return result.ok ? json({ message: "2FA disabled successfully" }) : errorResponse(result);
    },
  ),
});
