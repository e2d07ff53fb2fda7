import { listProviderRedirects } from "@/lib/auth/oauth/spa-bridge";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { errorResponse, json } from "@/lib/http/respond";
import { CallbackQuery } from "@/lib/http/url-schemas";
import { SOCIAL_ERRORS } from "@/lib/openapi/error-sets";
import { ProviderRedirectList } from "@/lib/openapi/responses";

/** django-lokdown's provider list: ?callback_url= (or the legacy ?next=) → redirect metadata per provider. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "anyone",
      query: CallbackQuery,
      tag: "Social sign-in",
      operationId: "oauthProviders",
      summary: "The providers, with where to start each one's sign-in",
      responses: { 200: { description: "Providers.", body: ProviderRedirectList } },
      errors: SOCIAL_ERRORS,
    },
    async ({ query }) => {
      const result = await listProviderRedirects(query.callback_url ?? query.next ?? null);
      return result.ok ? json({ providers: result.value }) : errorResponse(result);
    },
  ),
});
