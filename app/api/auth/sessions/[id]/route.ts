import { z } from "zod";
import { clientFrom } from "@/lib/auth/request/client";
import { revokeUserSession } from "@/lib/auth/sessions/user-sessions";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { SessionRevoked } from "@/lib/openapi/responses";

/** Signs out one of the caller's sessions (its own too: a logout). Takes effect on that session's next request. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  DELETE: endpoint(
    {
      caller: "session",
      params: { id: z.string().meta({ description: "The session's `id`." }) },
      tag: "Account",
      operationId: "revokeSession",
      summary: "Sign out one session (the caller's own is a logout)",
      responses: {
        200: { description: "Signed out; takes effect on that session's next request.", body: SessionRevoked },
      },
      errors: ["session_not_found"],
    },
    async ({ principal, params, request }) => {
      const result = await revokeUserSession(principal, params.id, clientFrom(request.headers));
      return result.ok ? json({ message: "Session revoked", current: result.value.current }) : errorResponse(result);
    },
  ),
});
