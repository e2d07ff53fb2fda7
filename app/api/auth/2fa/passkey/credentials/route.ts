import { listUserPasskeys } from "@/lib/auth/passkeys";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { passkeyJson } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** The caller's passkeys (django-lokdown's keys plus name, transports, device type, backup state). */
export const GET = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const passkeys = await listUserPasskeys(principal.value.userId);
  return json(passkeys.map(passkeyJson));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
