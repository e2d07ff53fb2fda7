import { clientFrom } from "@/lib/auth/request/client";
import { changePassword } from "@/lib/auth/password/change";
import { ChangePasswordBody } from "@/lib/http/account-schemas";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { stepUpProof } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { STEP_UP_ERRORS } from "@/lib/openapi/error-sets";
import { PasswordChanged } from "@/lib/openapi/responses";

/** Needs the current `password` when the account has one, and the policy's step-up ("password.change"). */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "session",
      body: ChangePasswordBody,
      tag: "Account",
      operationId: "changePassword",
      summary: "Change (or set) the password (needs step-up)",
      description: "Other sessions are signed out unless keep_other_sessions is true.",
      responses: { 200: { description: "Changed.", body: PasswordChanged } },
      errors: ["weak_password", "current_password_required", ...STEP_UP_ERRORS],
    },
    async ({ principal, body, request }) => {
      const input = { newPassword: body.new_password, keepOtherSessions: body.keep_other_sessions };
      const result = await changePassword(principal, input, stepUpProof(body), clientFrom(request.headers));
      return result.ok
        ? json({ message: "Password changed", revoked_sessions: result.value.sessionsEnded })
        : errorResponse(result);
    },
  ),
});
