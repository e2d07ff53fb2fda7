import { clientFrom } from "@/lib/auth/client";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { reauthenticate } from "@/lib/auth/step-up";
import { ReauthenticateBody } from "@/lib/http/account-schemas";
import { stepUpProof } from "@/lib/http/auth-responses";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/**
 * The answer to a step-up refusal: the proof the policy names for this account (a second factor
 * when it has one, else the password), then retry within the window.
 */
export const POST = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await parseBody(request, ReauthenticateBody);
  if (!body.ok) return errorResponse(body);
  const result = await reauthenticate(principal.value, stepUpProof(body.value), clientFrom(request.headers));
  return result.ok ? json({ message: "Reauthenticated", reauth_valid_until: result.value.validUntil.toISOString(), proved: result.value.proved }) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
