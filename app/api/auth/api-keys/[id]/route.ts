import { revokeUserApiKey } from "@/lib/auth/api-keys";
import { clientFrom } from "@/lib/auth/client";
import { fail } from "@/lib/auth/errors";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { parseApiKeyId } from "@/lib/http/api-key-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };

/** Revokes the caller's key; staff may revoke anyone's. A key cannot revoke keys (session only). */
export const DELETE = route<Context>(async (request, { params }) => {
  const keyId = parseApiKeyId((await params).id);
  if (keyId === null) return errorResponse(fail("api_key_not_found"));
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const result = await revokeUserApiKey(principal.value, keyId, clientFrom(request.headers));
  return result.ok ? json({ message: "API key revoked" }) : errorResponse(result);
});

export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
