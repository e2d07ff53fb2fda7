import { clientFrom } from "@/lib/auth/client";
import { fail } from "@/lib/auth/errors";
import { removeUserPasskey } from "@/lib/auth/passkeys";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { stepUpProof } from "@/lib/http/auth-responses";
import { parseBody } from "@/lib/http/body";
import { PasskeyRemoveBody } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/**
 * Removes one of the caller's passkeys: 404 when unknown (django-lokdown answered 400), step-up
 * required (it asked for nothing). The proof travels in a JSON body, never in the URL.
 */
export const DELETE = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await parseBody(request, PasskeyRemoveBody);
  if (!body.ok) return errorResponse(body);
  const credentialId = (new URL(request.url).searchParams.get("credential_id") ?? "").trim() || body.value.credential_id;
  if (!credentialId) return errorResponse(fail("credential_id_required"));
  const result = await removeUserPasskey(principal.value, credentialId, stepUpProof(body.value), clientFrom(request.headers));
  return result.ok ? json({ message: "Passkey credential removed" }) : errorResponse(result);
});

export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
