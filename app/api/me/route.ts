import { getProfile } from "@/lib/auth/account/profile";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { json } from "@/lib/http/respond";
import { Profile } from "@/lib/openapi/responses";

/** Example protected endpoint: copy this shape for your own API. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "session-or-api-key",
      tag: "Account",
      operationId: "me",
      summary: "The caller's profile (example protected endpoint)",
      responses: { 200: { description: "Profile.", body: Profile } },
    },
    async ({ principal }) => json({ ...(await getProfile(principal.userId)), authenticated_with: principal.kind }),
  ),
});
