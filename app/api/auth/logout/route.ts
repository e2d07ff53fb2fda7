import { clientFrom } from "@/lib/auth/request/client";
import { endApiSession } from "@/lib/auth/api-access/logout";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { LogoutBody } from "@/lib/http/schemas";
import { Message } from "@/lib/openapi/responses";

/** Revokes a refresh-token family: by `{refresh}` in the body, or the Bearer token's session. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone",
      body: LogoutBody,
      tag: "Sign-in",
      operationId: "logout",
      summary: "End an API session",
      responses: { 200: { description: "The session and all its tokens are revoked.", body: Message } },
      errors: ["token_not_valid"],
    },
    async ({ body, request }) => {
      const result = await endApiSession(
        { refresh: body.refresh ?? body.refresh_token, authorization: request.headers.get("authorization") },
        clientFrom(request.headers),
      );
      return result.ok ? json({ message: "Logged out" }) : errorResponse(result);
    },
  ),
});
