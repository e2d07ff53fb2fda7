import { getTwoFactorStatus } from "@/lib/auth/two-factor/status";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { json } from "@/lib/http/respond";
import { TwoFactorStatus } from "@/lib/openapi/responses";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "session-or-api-key",
      tag: "Two-factor",
      operationId: "twoFactorStatus",
      summary: "Which factors the caller has, and which may be enrolled",
      responses: { 200: { description: "Status.", body: TwoFactorStatus } },
    },
    async ({ principal }) => json(await getTwoFactorStatus(principal.userId)),
  ),
});
