import { clientFrom } from "@/lib/auth/request/client";
import { beginPasswordlessSignIn } from "@/lib/auth/passkeys/passwordless-sign-in";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { PasswordlessOptions } from "@/lib/openapi/responses";

/** Options for passwordless sign-in with a discoverable passkey; `session_id` names the challenge. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: "ignored",
      tag: "Sign-in",
      operationId: "passwordlessOptions",
      summary: "WebAuthn options for passwordless sign-in with a discoverable passkey",
      responses: { 200: { description: "Pass `options` to navigator.credentials.get().", body: PasswordlessOptions } },
      errors: ["passkey_disabled"],
    },
    async ({ request }) => {
      const result = await beginPasswordlessSignIn(clientFrom(request.headers));
      if (!result.ok) return errorResponse(result);
      return json({ session_id: result.value.sessionId, options: result.value.options });
    },
  ),
});
