import { clientFrom } from "@/lib/auth/client";
import { beginPasskeyRegistration } from "@/lib/auth/passkeys";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { readJsonObject } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Registration options for adding a passkey to the caller's account. */
export const POST = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await readJsonObject(request);
  if (!body.ok) return errorResponse(body);
  const result = await beginPasskeyRegistration(principal.value, clientFrom(request.headers));
  if (!result.ok) return errorResponse(result);
  return json({ session_id: result.value.sessionId, options: result.value.options });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
