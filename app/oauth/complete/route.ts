import { NextResponse } from "next/server";
import { clientFrom } from "@/lib/auth/request/client";
import { safeReturnPath } from "@/lib/auth/sessions/guards";
import { finishOAuthSignIn } from "@/lib/auth/oauth/provider-sign-in";
import { endBrowserNonceCookie, readBrowserNonce } from "@/lib/auth/oauth/browser-nonce";
import { endProviderSessionCookies, OAUTH_ERROR_PATH, readProviderSignIn } from "@/lib/auth/oauth/nextauth";
import { socialAuthEnabled } from "@/lib/auth/oauth/providers";
import { siteOrigin } from "@/lib/auth/site";
import {
  issueWebSession,
  readTrustedBrowserCookie,
  setPendingLoginCookie,
  setSessionCookie,
} from "@/lib/auth/sessions/web-session";

/**
 * Where next-auth sends the browser after the provider: the provider sign-in (used once) becomes a
 * web session, or the same 2FA step (and staff enrollment) as a password sign-in.
 */
export async function GET(request: Request): Promise<Response> {
  const next = safeReturnPath(new URL(request.url).searchParams.get("next"), "/account");
  const go = (path: string) => {
    const response = NextResponse.redirect(new URL(path, siteOrigin()), 303);
    for (const cookie of endProviderSessionCookies(request.headers)) response.headers.append("set-cookie", cookie);
    // The browser nonce is single-use too: whatever happened, this hand-off is over.
    response.headers.append("set-cookie", endBrowserNonceCookie());
    response.headers.set("cache-control", "no-store");
    return response;
  };
  try {
    if (!socialAuthEnabled()) return go(`${OAUTH_ERROR_PATH}?error=social_auth_disabled`);
    const signInId = await readProviderSignIn(request.headers);
    if (!signInId) return go(`${OAUTH_ERROR_PATH}?error=oauth_sign_in_invalid`);
    // A browser trusted at an earlier 2FA step may skip it, as with a password (lib/auth/login/trusted-devices.ts).
    // Only the browser that started this sign-in holds its nonce (login CSRF, lib/auth/oauth/browser-nonce.ts).
    const result = await finishOAuthSignIn(
      signInId,
      readBrowserNonce(request.headers),
      clientFrom(request.headers),
      issueWebSession,
      new Date(),
      { trustedBrowser: await readTrustedBrowserCookie() },
    );
    if (!result.ok) return go(`${OAUTH_ERROR_PATH}?error=${result.code}`);
    if (result.value.kind === "signed_in") {
      await setSessionCookie(result.value.session);
      return go(next);
    }
    await setPendingLoginCookie(result.value.challenge.session_id);
    return go(`/2fa?next=${encodeURIComponent(next)}`);
  } catch (error) {
    console.error("[lokdown] /oauth/complete failed:", error);
    return go(`${OAUTH_ERROR_PATH}?error=internal_error`);
  }
}
