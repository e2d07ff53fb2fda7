import { authenticateRequest } from "@/lib/auth/principal";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Which user and which kind of credential a request carries: authentication only, no other reads. */
export const GET = route(async (request) => {
  const principal = await authenticateRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const { userId, username, isStaff, kind } = principal.value;
  return json({ id: userId, username, is_staff: isStaff, authenticated_with: kind });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
