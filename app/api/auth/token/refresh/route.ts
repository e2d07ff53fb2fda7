import { clientFrom } from "@/lib/auth/client";
import { rotateRefreshToken } from "@/lib/auth/tokens";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";
import { RefreshBody } from "@/lib/http/schemas";
import { refuseApiKeyCredential } from "@/lib/auth/principal";

export const POST = route(async (request) => {
  const refused = refuseApiKeyCredential(request);
  if (!refused.ok) return errorResponse(refused);
  const body = await parseBody(request, RefreshBody);
  if (!body.ok) return errorResponse(body);
  const result = await rotateRefreshToken(body.value, clientFrom(request.headers));
  return result.ok ? json({ access: result.value.access, refresh: result.value.refresh }) : errorResponse(result);
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
