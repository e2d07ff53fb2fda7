import { clientFrom } from "@/lib/auth/request/client";
import { listUserSessions, revokeOtherSessions } from "@/lib/auth/sessions/user-sessions";
import { sessionJson } from "@/lib/http/account-schemas";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { OtherSessionsRevoked, SessionList } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  /** The caller's live sessions, web and API, the calling one marked `current`. Bearer only. */
  GET: endpoint(
    {
      caller: "session",
      tag: "Account",
      operationId: "listSessions",
      summary: "The caller's live sessions, web and API",
      responses: { 200: { description: "Sessions; the calling one has current: true.", body: SessionList } },
    },
    async ({ principal }) => {
      const sessions = await listUserSessions(principal.userId, principal.sessionId);
      return json({ sessions: sessions.map(sessionJson) });
    },
  ),
  /** Signs out every other session of the caller; the calling one stays. */
  DELETE: endpoint(
    {
      caller: "session",
      tag: "Account",
      operationId: "revokeOtherSessions",
      summary: "Sign out every other session",
      responses: { 200: { description: "Signed out.", body: OtherSessionsRevoked } },
    },
    async ({ principal, request }) => {
      const count = await revokeOtherSessions(principal, clientFrom(request.headers));
      return count.ok ? json({ message: "Other sessions signed out", revoked: count.value }) : errorResponse(count);
    },
  ),
});
