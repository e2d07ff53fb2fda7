import { clientFrom } from "@/lib/auth/client";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { listUserSessions, revokeOtherSessions } from "@/lib/auth/sessions";
import { sessionJson } from "@/lib/http/account-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** The caller's live sessions, web and API, the calling one marked `current`. Bearer only. */
export const GET = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const sessions = await listUserSessions(principal.value.userId, principal.value.sessionId);
  return json({ sessions: sessions.map(sessionJson) });
});

/** Signs out every other session of the caller; the calling one stays. */
export const DELETE = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const count = await revokeOtherSessions(principal.value, clientFrom(request.headers));
  return count.ok ? json({ message: "Other sessions signed out", revoked: count.value }) : errorResponse(count);
});

export const { POST, PUT, PATCH } = otherMethods("GET, DELETE");
