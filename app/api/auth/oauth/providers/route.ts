import { listProviderRedirects } from "@/lib/auth/oauth-bridge";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** django-lokdown's provider list: ?callback_url= (or the legacy ?next=) → redirect metadata per provider. */
export const GET = route(async (request) => {
  const query = new URL(request.url).searchParams;
  const result = await listProviderRedirects(query.get("callback_url") ?? query.get("next"));
  return result.ok ? json({ providers: result.value }) : errorResponse(result);
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
