import { clientFrom } from "@/lib/auth/client";
import { registerPasskey } from "@/lib/auth/passkeys";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { parseBody } from "@/lib/http/body";
import { PasskeyVerifyBody, passkeyJson } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Finishes registration; session errors are 400, a bad response 401 (django-lokdown answered 401 to both). */
export const POST = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await parseBody(request, PasskeyVerifyBody);
  if (!body.ok) return errorResponse(body);
  const { session_id, passkey_response, name } = body.value;
  const result = await registerPasskey(principal.value, session_id, passkey_response, name, clientFrom(request.headers));
  if (!result.ok) return errorResponse(result);
  return json({ message: "Passkey setup verified successfully", credential: passkeyJson(result.value) });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
