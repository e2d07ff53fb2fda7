import { authenticateRequest } from "@/lib/auth/principal";
import { getProfile } from "@/lib/auth/profile";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Example protected endpoint: copy this shape for your own API. */
export const GET = route(async (request) => {
  const principal = await authenticateRequest(request);
  if (!principal.ok) return errorResponse(principal);
  return json({ ...(await getProfile(principal.value.userId)), authenticated_with: principal.value.kind });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
