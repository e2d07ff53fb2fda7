import { clientFrom } from "@/lib/auth/client";
import { beginPasswordlessSignIn } from "@/lib/auth/passkey-login";
import { refuseApiKeyCredential } from "@/lib/auth/principal";
import { readJsonObject } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Options for passwordless sign-in with a discoverable passkey; `session_id` names the challenge. */
export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await readJsonObject(request);
  if (!body.ok) return errorResponse(body);
  const result = await beginPasswordlessSignIn(clientFrom(request.headers));
  if (!result.ok) return errorResponse(result);
  return json({ session_id: result.value.sessionId, options: result.value.options });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
