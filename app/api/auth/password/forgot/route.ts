import { clientFrom } from "@/lib/auth/client";
import { refuseApiKeyCredential } from "@/lib/auth/principal";
import { requestPasswordReset } from "@/lib/auth/password-reset";
import { ForgotPasswordBody } from "@/lib/http/account-schemas";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** The same answer whether or not an account has this address; only the rate limit can refuse. */
export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, ForgotPasswordBody);
  if (!body.ok) return errorResponse(body);
  const result = await requestPasswordReset(body.value.email, clientFrom(request.headers));
  return result.ok ? json({ message: "If an account uses this address, we sent it a link to reset the password." }) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
