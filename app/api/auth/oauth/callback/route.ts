import { clientFrom } from "@/lib/auth/client";
import { fail } from "@/lib/auth/errors";
import { finishOAuthSignIn } from "@/lib/auth/oauth";
import { checkBridgeCsrf } from "@/lib/auth/oauth-bridge";
import { endBrowserNonceCookie, readBrowserNonce } from "@/lib/auth/oauth-browser";
import { endProviderSessionCookies, readProviderSignIn } from "@/lib/auth/oauth-nextauth";
import { socialAuthEnabled } from "@/lib/auth/oauth-providers";
import { issueTokenPair } from "@/lib/auth/tokens";
import { restTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/**
 * django-lokdown's OAuth callback: the browser's fresh provider sign-in (next-auth's cookie) → TokenPair,
 * Pre2FA or Pre2FA-setup, like a password login. Works once; the provider session ends here.
 */
export const POST = route(async (request) => {
  if (!socialAuthEnabled()) return errorResponse(fail("social_auth_disabled"));
  const csrf = checkBridgeCsrf(request.headers);
  if (!csrf.ok) return errorResponse(csrf);
  const signInId = await readProviderSignIn(request.headers);
  if (!signInId) return errorResponse(fail("not_authenticated"));
  const result = await finishOAuthSignIn(signInId, readBrowserNonce(request.headers), clientFrom(request.headers), issueTokenPair);
  const response = !result.ok
    ? errorResponse(result)
    : json(result.value.kind === "signed_in" ? { ...restTokens(result.value.session), requires_2fa_setup: false } : result.value.challenge);
  for (const cookie of endProviderSessionCookies(request.headers)) response.headers.append("set-cookie", cookie);
  response.headers.append("set-cookie", endBrowserNonceCookie());
  return response;
});

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
