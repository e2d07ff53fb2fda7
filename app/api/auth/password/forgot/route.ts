import { clientFrom } from "@/lib/auth/request/client";
import { requestPasswordReset } from "@/lib/auth/password/reset";
import { ForgotPasswordBody } from "@/lib/http/account-schemas";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { Message } from "@/lib/openapi/responses";

/** The same answer whether or not an account has this address; only the rate limit can refuse. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: ForgotPasswordBody,
      tag: "Sign-in",
      operationId: "forgotPassword",
      summary: "E-mail a password-reset link",
      description: "The same answer whether or not an account uses the address.",
      responses: { 200: { description: "Accepted.", body: Message } },
      errors: ["rate_limited"],
    },
    async ({ body, request }) => {
      const result = await requestPasswordReset(body.email, clientFrom(request.headers));
      return result.ok
        ? json({ message: "If an account uses this address, we sent it a link to reset the password." })
        : errorResponse(result);
    },
  ),
});
