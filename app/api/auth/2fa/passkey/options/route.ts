import { clientFrom } from "@/lib/auth/client";
import { beginPasskeyLoginStep } from "@/lib/auth/passkey-assertions";
import { refuseApiKeyCredential } from "@/lib/auth/principal";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { SessionIdBody } from "@/lib/http/schemas";

/** Authentication options for the passkey step of a pending login. */
export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, SessionIdBody);
  if (!body.ok) return errorResponse(body);
  const result = await beginPasskeyLoginStep(body.value.session_id, clientFrom(request.headers));
  if (!result.ok) return errorResponse(result);
  const { challenge, rpId, timeout, options } = result.value;
  return json({ challenge, rp_id: rpId, timeout, options });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
