import { clientFrom } from "@/lib/auth/client";
import { beginLoginTotpSetup } from "@/lib/auth/login-enrollment";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { SessionIdBody } from "@/lib/http/schemas";

export const POST = route(async (request) => {
  const body = await parseBody(request, SessionIdBody);
  if (!body.ok) return errorResponse(body);
  const setup = await beginLoginTotpSetup(body.value.session_id, clientFrom(request.headers));
  if (!setup.ok) return errorResponse(setup);
  return json({ secret: setup.value.secret, qr_code: setup.value.qrCode, provisioning_uri: setup.value.provisioningUri });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
