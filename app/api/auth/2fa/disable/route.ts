import { clientFrom } from "@/lib/auth/client";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { disableTwoFactorWithStepUp } from "@/lib/auth/account-security";
import { parseBody } from "@/lib/http/body";
import { stepUpProof } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { StepUpBody } from "@/lib/http/schemas";

export const POST = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await parseBody(request, StepUpBody);
  if (!body.ok) return errorResponse(body);
  const result = await disableTwoFactorWithStepUp(principal.value, stepUpProof(body.value), clientFrom(request.headers));
  return result.ok ? json({ message: "2FA disabled successfully" }) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
