import { clientFrom } from "@/lib/auth/client";
import { confirmLoginTotpSetup } from "@/lib/auth/login-enrollment";
import { issueTokenPair } from "@/lib/auth/tokens";
import { parseBody } from "@/lib/http/body";
import { restTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { LoginTotpVerifyBody } from "@/lib/http/schemas";
import { refuseApiKeyCredential } from "@/lib/auth/principal";

export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, LoginTotpVerifyBody);
  if (!body.ok) return errorResponse(body);
  const { session_id, totp_token } = body.value;
  const result = await confirmLoginTotpSetup(session_id, totp_token, clientFrom(request.headers), issueTokenPair);
  if (!result.ok) return errorResponse(result);
  return json({ ...restTokens(result.value.session), message: "TOTP setup verified successfully", backup_codes: result.value.backupCodes });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
