import { clientFrom } from "@/lib/auth/client";
import { refuseApiKeyCredential } from "@/lib/auth/principal";
import { resetPassword } from "@/lib/auth/password-reset";
import { ResetPasswordBody } from "@/lib/http/account-schemas";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Spends a reset link's token; every session of the account ends. Sign in afterwards (2FA still applies). */
export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, ResetPasswordBody);
  if (!body.ok) return errorResponse(body);
  const result = await resetPassword(body.value.token, body.value.new_password, clientFrom(request.headers));
  return result.ok ? json({ message: "Password reset; sign in with the new password" }) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
