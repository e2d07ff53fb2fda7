import { beginPasskeyStepUp } from "@/lib/auth/policy/step-up";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { StepUpPasskeyOptions } from "@/lib/openapi/responses";

/**
 * Assertion options for proving a passkey at step-up. The challenge is bound to the calling
 * session; send the browser's answer as `passkey_response` to POST /api/auth/reauthenticate.
 */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "session",
      body: "ignored",
      tag: "Account",
      operationId: "reauthenticatePasskeyOptions",
      summary: "Assertion options for stepping up with a passkey",
      description:
        "The challenge is bound to the calling session; send the browser's answer as `passkey_response` to /api/auth/reauthenticate.",
      responses: { 200: { description: "Pass `options` to navigator.credentials.get().", body: StepUpPasskeyOptions } },
      errors: ["passkey_disabled", "passkey_not_enabled", "rate_limited"],
    },
    async ({ principal }) => {
      const options = await beginPasskeyStepUp(principal);
      return options.ok ? json({ options: options.value.options }) : errorResponse(options);
    },
  ),
});
