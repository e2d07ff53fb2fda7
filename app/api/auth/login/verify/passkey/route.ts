import { clientFrom } from "@/lib/auth/client";
import { confirmLoginPasskeySetup } from "@/lib/auth/login-enrollment-passkey";
import { refuseApiKeyCredential } from "@/lib/auth/principal";
import { issueTokenPair } from "@/lib/auth/tokens";
import { restTokens } from "@/lib/http/auth-responses";
import { parseBody } from "@/lib/http/body";
import { PasskeyVerifyBody } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Staff first login: registers the passkey and signs in. */
export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, PasskeyVerifyBody);
  if (!body.ok) return errorResponse(body);
  const { session_id, passkey_response, name } = body.value;
  const result = await confirmLoginPasskeySetup(session_id, passkey_response, name, clientFrom(request.headers), issueTokenPair);
  if (!result.ok) return errorResponse(result);
  return json({ ...restTokens(result.value.session), message: "Passkey setup verified successfully" });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
