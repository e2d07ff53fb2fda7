import { authenticateSessionRequest } from "@/lib/auth/principal";
import { beginTotpSetup } from "@/lib/auth/totp";
import { readJsonObject } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

export const POST = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await readJsonObject(request);
  if (!body.ok) return errorResponse(body);
  const setup = await beginTotpSetup(principal.value.userId);
  if (!setup.ok) return errorResponse(setup);
  return json({ secret: setup.value.secret, qr_code: setup.value.qrCode, provisioning_uri: setup.value.provisioningUri });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
