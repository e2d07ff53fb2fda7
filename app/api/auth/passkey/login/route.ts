import { clientFrom } from "@/lib/auth/client";
import { signInWithPasskey } from "@/lib/auth/passkey-login";
import { refuseApiKeyCredential } from "@/lib/auth/principal";
import { issueTokenPair } from "@/lib/auth/tokens";
import { restTokens } from "@/lib/http/auth-responses";
import { parseBody } from "@/lib/http/body";
import { PasskeyLoginBody } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Passwordless sign-in: a user-verified passkey alone yields a TokenPair. */
export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, PasskeyLoginBody);
  if (!body.ok) return errorResponse(body);
  const result = await signInWithPasskey(body.value.session_id, body.value.passkey_response, clientFrom(request.headers), issueTokenPair);
  return result.ok ? json(restTokens(result.value.session)) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
