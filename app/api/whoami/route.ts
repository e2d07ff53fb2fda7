import { apiRoute, endpoint } from "@/lib/http/api-route";
import { json } from "@/lib/http/respond";
import { WhoAmI } from "@/lib/openapi/responses";

/** Which user and which kind of credential a request carries: authentication only, no other reads. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "session-or-api-key",
      tag: "Account",
      operationId: "whoami",
      summary: "Which user and credential a request carries",
      responses: { 200: { description: "Identity.", body: WhoAmI } },
    },
    async ({ principal: { userId, username, isStaff, kind } }) =>
      json({ id: userId, username, is_staff: isStaff, authenticated_with: kind }),
  ),
});
