import { clientFrom } from "@/lib/auth/request/client";
import { fail } from "@/lib/auth/errors";
import { finishOAuthSignIn } from "@/lib/auth/oauth/provider-sign-in";
import { checkBridgeCsrf } from "@/lib/auth/oauth/spa-bridge";
import { endBrowserNonceCookie, readBrowserNonce } from "@/lib/auth/oauth/browser-nonce";
import { endProviderSessionCookies, readProviderSignIn } from "@/lib/auth/oauth/nextauth";
import { socialAuthEnabled } from "@/lib/auth/oauth/providers";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { restTokens } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { OAuthTokenPair, SecondFactorChallenge } from "@/lib/openapi/responses";

/**
 * django-lokdown's OAuth callback: the browser's fresh provider sign-in (next-auth's cookie) → TokenPair,
 * Pre2FA or Pre2FA-setup, like a password login. Works once; the provider session ends here.
 * Its credential is that cookie, which lib/auth reads, so the caller is "anyone" to the wrapper.
 */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  POST: endpoint(
    {
      caller: "anyone",
      headers: [{ name: "X-Lokdown-CSRF", description: "Any non-empty value.", required: true }],
      tag: "Social sign-in",
      operationId: "oauthCallback",
      summary: "Turn the finished provider sign-in into a TokenPair or a 2FA challenge",
      description:
        'Authenticated by the provider sign-in cookie set under /api/nextauth (sent with `credentials: "include"`), once. ' +
        "CSRF: the Origin must be an allowed one and the X-Lokdown-CSRF header present. " +
        "Only the browser that started the provider sign-in (it holds the nonce cookie set then) can use it: 403 `oauth_browser_mismatch` elsewhere.",
      responses: {
        200: { description: "Signed in, or a second factor is needed.", body: [OAuthTokenPair, SecondFactorChallenge] },
      },
      errors: [
        "social_auth_disabled",
        "csrf_failed",
        "not_authenticated",
        "oauth_sign_in_invalid",
        "oauth_browser_mismatch",
        "oauth_account_inactive",
        "email_not_verified",
      ],
    },
    async ({ request }) => {
      if (!socialAuthEnabled()) return errorResponse(fail("social_auth_disabled"));
      const csrf = checkBridgeCsrf(request.headers);
      if (!csrf.ok) return errorResponse(csrf);
      const signInId = await readProviderSignIn(request.headers);
      if (!signInId) return errorResponse(fail("not_authenticated"));
      const result = await finishOAuthSignIn(
        signInId,
        readBrowserNonce(request.headers),
        clientFrom(request.headers),
        issueTokenPair,
      );
      const response = !result.ok
        ? errorResponse(result)
        : json(
            result.value.kind === "signed_in"
              ? { ...restTokens(result.value.session), requires_2fa_setup: false }
              : result.value.challenge,
          );
      for (const cookie of endProviderSessionCookies(request.headers)) response.headers.append("set-cookie", cookie);
      response.headers.append("set-cookie", endBrowserNonceCookie());
      return response;
    },
  ),
});
