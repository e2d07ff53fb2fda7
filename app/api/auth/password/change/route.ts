import { clientFrom } from "@/lib/auth/client";
import { changePassword } from "@/lib/auth/password-change";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { ChangePasswordBody } from "@/lib/http/account-schemas";
import { stepUpProof } from "@/lib/http/auth-responses";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Needs the current `password` when the account has one, and the policy's step-up ("password.change"). */
export const POST = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await parseBody(request, ChangePasswordBody);
  if (!body.ok) return errorResponse(body);
  const input = { newPassword: body.value.new_password, keepOtherSessions: body.value.keep_other_sessions };
  const result = await changePassword(principal.value, input, stepUpProof(body.value), clientFrom(request.headers));
  return result.ok ? json({ message: "Password changed", revoked_sessions: result.value.sessionsEnded }) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
