import { clientFrom } from "@/lib/auth/request/client";
import { resetPassword } from "@/lib/auth/password/reset";
import { ResetPasswordBody } from "@/lib/http/account-schemas";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { Message } from "@/lib/openapi/responses";

/** Spends a reset link's token; every session of the account ends. Sign in afterwards (2FA still applies). */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: ResetPasswordBody,
      tag: "Sign-in",
      operationId: "resetPassword",
      summary: "Set a new password with a reset link's token",
      description: "Every session of the account ends; sign in again (2FA still applies).",
      responses: { 200: { description: "Password set.", body: Message } },
      errors: ["invalid_reset_token", "weak_password", "rate_limited"],
    },
    async ({ body, request }) => {
      const result = await resetPassword(body.token, body.new_password, clientFrom(request.headers));
      return result.ok ? json({ message: "Password reset; sign in with the new password" }) : errorResponse(result);
    },
  ),
});
