import { z } from "zod";
import { describeProviderRedirect } from "@/lib/auth/oauth/spa-bridge";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { CallbackQuery } from "@/lib/http/url-schemas";
import { SOCIAL_ERRORS } from "@/lib/openapi/error-sets";
import { ProviderRedirect } from "@/lib/openapi/responses";

/** django-lokdown's provider login: redirect metadata for one provider. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "anyone",
      params: { provider: z.string().meta({ description: "Provider id, e.g. github." }) },
      query: CallbackQuery,
      tag: "Social sign-in",
      operationId: "oauthProviderLogin",
      summary: "Where to start one provider's sign-in",
      responses: { 200: { description: "The provider.", body: ProviderRedirect } },
      errors: [...SOCIAL_ERRORS, "oauth_provider_not_found"],
    },
    async ({ params, query }) => {
      const result = await describeProviderRedirect(params.provider, query.callback_url ?? query.next ?? null);
      return result.ok ? json(result.value) : errorResponse(result);
    },
  ),
});
