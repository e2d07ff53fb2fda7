import { clientFrom } from "@/lib/auth/client";
import { beginLoginPasskeySetup } from "@/lib/auth/login-enrollment-passkey";
import { refuseApiKeyCredential } from "@/lib/auth/principal";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { SessionIdBody } from "@/lib/http/schemas";

/** Staff first login: registration options; the answer's session_id is a new (challenge) id. */
export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, SessionIdBody);
  if (!body.ok) return errorResponse(body);
  const result = await beginLoginPasskeySetup(body.value.session_id, clientFrom(request.headers));
  if (!result.ok) return errorResponse(result);
  return json({ session_id: result.value.sessionId, options: result.value.options });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
