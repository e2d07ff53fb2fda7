import { describeProviderRedirect } from "@/lib/auth/oauth-bridge";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

type Context = { params: Promise<{ provider: string }> };

/** django-lokdown's provider login: redirect metadata for one provider. */
export const GET = route<Context>(async (request, { params }) => {
  const query = new URL(request.url).searchParams;
  const result = await describeProviderRedirect((await params).provider, query.get("callback_url") ?? query.get("next"));
  return result.ok ? json(result.value) : errorResponse(result);
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
