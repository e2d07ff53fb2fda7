import { beginTotpEnrollment } from "@/lib/auth/account-security";
import { clientFrom } from "@/lib/auth/client";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { stepUpProof } from "@/lib/http/auth-responses";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { StepUpBody } from "@/lib/http/schemas";

export const POST = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await parseBody(request, StepUpBody);
  if (!body.ok) return errorResponse(body);
  // Policy "totp.add": refused here already, so no secret is shown to a caller who may not enroll.
  const setup = await beginTotpEnrollment(principal.value, stepUpProof(body.value), clientFrom(request.headers));
  if (!setup.ok) return errorResponse(setup);
  return json({ secret: setup.value.secret, qr_code: setup.value.qrCode, provisioning_uri: setup.value.provisioningUri });
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
