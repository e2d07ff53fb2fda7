import { clientFrom } from "@/lib/auth/client";
import { signInWithPassword } from "@/lib/auth/sign-in";
import { issueTokenPair } from "@/lib/auth/tokens";
import { parseBody } from "@/lib/http/body";
import { restTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { LoginBody } from "@/lib/http/schemas";
import { refuseApiKeyCredential } from "@/lib/auth/principal";

export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, LoginBody);
  if (!body.ok) return errorResponse(body);
  const result = await signInWithPassword(body.value, clientFrom(request.headers), issueTokenPair);
  if (!result.ok) return errorResponse(result);
  return json(result.value.kind === "signed_in" ? restTokens(result.value.session) : result.value.challenge);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
