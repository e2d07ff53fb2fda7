import { clientFrom } from "@/lib/auth/request/client";
import { rotateRefreshToken } from "@/lib/auth/sessions/tokens";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { RefreshBody } from "@/lib/http/schemas";
import { SimpleJwtPair } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone-but-api-key",
      body: RefreshBody,
      tag: "Sign-in",
      operationId: "refreshTokens",
      summary: "Exchange a refresh token for a new pair",
      description:
        "The refresh token is an HS256 JWT (`token_type` refresh, `jti`, `exp`; clients may read `exp`). Each works once; presenting a used one revokes the whole session. No refresh extends the session past `LOKDOWN_SESSION_MAX_DAYS` after sign-in.",
      responses: { 200: { description: "A new pair; the old refresh token is spent.", body: SimpleJwtPair } },
      errors: ["token_not_valid"],
    },
    async ({ body, request }) => {
      const result = await rotateRefreshToken(body, clientFrom(request.headers));
      return result.ok ? json({ access: result.value.access, refresh: result.value.refresh }) : errorResponse(result);
    },
  ),
});
