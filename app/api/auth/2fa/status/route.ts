import { authenticateRequest } from "@/lib/auth/principal";
import { getTwoFactorStatus } from "@/lib/auth/two-factor";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

export const GET = route(async (request) => {
  const principal = await authenticateRequest(request);
  if (!principal.ok) return errorResponse(principal);
  return json(await getTwoFactorStatus(principal.value.userId));
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
