import { clientFrom } from "@/lib/auth/client";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { revokeUserSession } from "@/lib/auth/sessions";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };

/** Signs out one of the caller's sessions (its own too: a logout). Takes effect on that session's next request. */
export const DELETE = route<Context>(async (request, { params }) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const result = await revokeUserSession(principal.value, (await params).id, clientFrom(request.headers));
  return result.ok ? json({ message: "Session revoked", current: result.value.current }) : errorResponse(result);
});

export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
