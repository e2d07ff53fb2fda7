import { authenticateSessionRequest } from "@/lib/auth/principal";
import { beginPasskeyStepUp } from "@/lib/auth/step-up";
import { readJsonObject } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/**
 * Assertion options for proving a passkey at step-up. The challenge is bound to the calling
 * session; send the browser's answer as `passkey_response` to POST /api/auth/reauthenticate.
 */
export const POST = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await readJsonObject(request);
  if (!body.ok) return errorResponse(body);
  const options = await beginPasskeyStepUp(principal.value);
  return options.ok ? json({ options: options.value.options }) : errorResponse(options);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
