import "server-only";
import NextAuth, { type Account, type NextAuthConfig, type Profile } from "next-auth";
import { decode } from "next-auth/jwt";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import type { Provider } from "next-auth/providers";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { NextRequest } from "next/server";
import { settings } from "@/lib/env";
import { deletionSetCookie, requestCookies } from "@/lib/http/cookies";
import { clientFrom, type ClientInfo } from "../request/client";
import { appOrigins, callbackOrigins, WEB_COMPLETE_PATH } from "./callback-url";
import { loadEnabledProviders, NEXTAUTH_BASE_PATH, type OAuthProviderCredentials } from "./providers";
import {
  BROWSER_NONCE_SECONDS,
  browserNonceCookieName,
  browserNonceCookieOptions,
  browserNonceHash,
  browserNonceSetCookie,
  endBrowserNonceCookie,
  newBrowserNonce,
  nonceForState,
  stateOfAuthorizationUrl,
} from "./browser-nonce";
import { endLinkIntentCookie, linkProviderAccount, readLinkIntent } from "./account-linking";
import { providerEmailTrusted, type EmailTrustPolicy } from "./email-trust";
import { recordSecurityEvent } from "../audit";
import { completeProviderSignIn, OAUTH_SIGN_IN_SECONDS, type ProviderIdentity } from "./provider-sign-in";
import { siteOrigin } from "../site";

/**
 * next-auth (v5) does the OAuth/OIDC dance only: redirect, state/PKCE/nonce checks, token
 * exchange, profile. Its signIn callback hands the identity to lib/auth/oauth/provider-sign-in.ts, and its JWT
 * session carries nothing but the id of a single-use OAuthSignIn, which the bridge turns into our
 * own session (with the 2FA step) and which the bridge ends. No adapter: our tables are the truth.
 */

export const OAUTH_ERROR_PATH = "/oauth/error";
export const CONNECTIONS_PATH = "/account/connections";

/** Set by the signIn callback, read by the jwt callback of the same request. */
const signInIds = new WeakMap<object, string>();

/** What a provider callback did, for handleNextAuthRequest to settle the browser's cookies. */
type CallbackOutcome = { handedOff: boolean; linkAttempted: boolean };
const outcomes = new WeakMap<Request, CallbackOutcome>();

const GITHUB_API = "https://api.github.com";

/** GitHub's profile e-mail may be unverified; only the verified primary address counts. */
async function githubVerifiedEmail(accessToken: string | undefined): Promise<string | null> {
  if (!accessToken) return null;
  const response = await fetch(`${GITHUB_API}/user/emails`, {
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: "application/vnd.github+json",
      "user-agent": "next-lokdown",
    },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) return null;
  const emails: unknown = await response.json();
  if (!Array.isArray(emails)) return null;
  for (const entry of emails as Array<Record<string, unknown>>) {
    if (entry.primary === true && entry.verified === true && typeof entry.email === "string") return entry.email;
  }
  return null;
}

async function identityFrom(
  policy: EmailTrustPolicy,
  account: Account,
  profile: Profile | undefined,
): Promise<ProviderIdentity> {
  const base = { provider: account.provider, providerAccountId: account.providerAccountId };
  if (policy.type === "github") {
    const email = await githubVerifiedEmail(account.access_token);
    return {
      ...base,
      email,
      emailVerified: email !== null,
      emailTrusted: providerEmailTrusted(policy, email, email !== null),
    };
  }
  const claim: unknown = profile?.email_verified;
  const email = typeof profile?.email === "string" ? profile.email.trim().toLowerCase() : null;
  const emailVerified = claim === true || claim === "true";
  return { ...base, email, emailVerified, emailTrusted: providerEmailTrusted(policy, email, emailVerified) };
}

/**
 * next-auth's cookies under __Host- names in production: only this exact origin can set them, so
 * a sibling subdomain cannot plant a state, PKCE or session cookie (login CSRF). Same attributes
 * as next-auth's defaults otherwise; its deletions reuse these options, Secure included.
 */
function nextAuthCookies(): NextAuthConfig["cookies"] {
  if (!settings.production) return undefined;
  const options = { httpOnly: true, sameSite: "lax" as const, path: "/", secure: true };
  const named = (name: string, maxAge?: number) => ({
    name: `__Host-authjs.${name}`,
    options: maxAge ? { ...options, maxAge } : options,
  });
  return {
    sessionToken: named("session-token"),
    callbackUrl: named("callback-url"),
    csrfToken: named("csrf-token"),
    pkceCodeVerifier: named("pkce.code_verifier", 15 * 60),
    state: named("state", 15 * 60),
    nonce: named("nonce"),
    webauthnChallenge: named("challenge", 15 * 60),
  };
}

function providerConfig(p: OAuthProviderCredentials): Provider {
  const common = { id: p.id, name: p.displayName, clientId: p.clientId, clientSecret: p.clientSecret };
  switch (p.type) {
    case "github":
      return GitHub({ ...common, checks: ["pkce", "state"] });
    case "google":
      return Google({ ...common, checks: ["pkce", "state", "nonce"] });
    case "oidc":
      // idToken: false reads the profile from userinfo: many issuers keep email claims out of the ID token.
      return {
        ...common,
        type: "oidc",
        issuer: p.issuer ?? undefined,
        checks: ["pkce", "state", "nonce"],
        idToken: false,
        authorization: { params: { scope: "openid email profile" } },
      };
  }
}

/**
 * Same-origin paths and allowlisted callback URLs only; everything else, and next-auth's default
 * (the bare origin, when no callbackUrl was posted), lands on the web completion page.
 */
function redirectTarget(url: string, baseUrl: string): string {
  if (url === baseUrl) return `${baseUrl}${WEB_COMPLETE_PATH}`;
  if (url.startsWith("/") && !url.startsWith("//") && !url.includes("\\")) return `${baseUrl}${url}`;
  try {
    const target = new URL(url);
    if (callbackOrigins().includes(target.origin.toLowerCase())) return target.href;
  } catch {
    // falls through to the default
  }
  return `${baseUrl}${WEB_COMPLETE_PATH}`;
}

/** The per-request configuration: providers come from the database and the environment. */
export async function buildNextAuthConfig(request?: NextRequest): Promise<NextAuthConfig> {
  const providers = await loadEnabledProviders();
  const policies = new Map<string, EmailTrustPolicy>(
    providers.map((p) => [
      p.id,
      { type: p.type, trustEmail: p.trustEmail, trustedEmailDomains: p.trustedEmailDomains },
    ]),
  );
  const client: ClientInfo = request ? clientFrom(request.headers) : { ip: null, userAgent: "" };
  return {
    basePath: NEXTAUTH_BASE_PATH,
    secret: settings.authSecret,
    // Requests reach next-auth only through handleNextAuthRequest, which pins the origin.
    trustHost: true,
    useSecureCookies: settings.production,
    cookies: nextAuthCookies(),
    session: { strategy: "jwt", maxAge: OAUTH_SIGN_IN_SECONDS },
    providers: providers.map(providerConfig),
    pages: { signIn: OAUTH_ERROR_PATH, error: OAUTH_ERROR_PATH },
    logger: {
      error: (error) => console.error(`[lokdown] next-auth ${error.name}: ${error.message}`),
      warn: (code) => console.warn(`[lokdown] next-auth warning: ${code}`),
      debug: () => undefined,
    },
    callbacks: {
      async signIn({ user, account, profile }) {
        const policy = account ? policies.get(account.provider) : undefined;
        if (!account || !policy || !request) return `${OAUTH_ERROR_PATH}?error=OAuthSignInError`;
        const outcome = outcomes.get(request);
        // The callback must come back to the browser that started this very authorization.
        const nonce = await nonceForState(request.headers, request.nextUrl.searchParams.get("state"));
        if (!nonce) {
          await recordSecurityEvent({
            type: "oauth.refused",
            client,
            details: { provider: account.provider, reason: "oauth_browser_mismatch" },
          });
          return `${OAUTH_ERROR_PATH}?error=oauth_browser_mismatch`;
        }
        const identity = {
          ...(await identityFrom(policy, account, profile)),
          browserNonceHash: browserNonceHash(nonce),
        };
        // A signed-in user linking this provider from the account page: link, never sign in.
        const intent = await readLinkIntent(request.headers, account.provider);
        if (intent) {
          if (outcome) outcome.linkAttempted = true;
          const linked = await linkProviderAccount(intent, identity, client);
          return linked.ok
            ? `${CONNECTIONS_PATH}?linked=${encodeURIComponent(account.provider)}`
            : `${OAUTH_ERROR_PATH}?error=${linked.code}`;
        }
        const result = await completeProviderSignIn(identity, client);
        if (!result.ok) return `${OAUTH_ERROR_PATH}?error=${result.code}`;
        signInIds.set(user, result.value.signInId);
        if (outcome) outcome.handedOff = true;
        return true;
      },
      async jwt({ token, user, trigger }) {
        if (trigger === "signIn" || trigger === "signUp") {
          const signInId = user ? signInIds.get(user) : undefined;
          return signInId ? { signInId } : null;
        }
        return token;
      },
      // The browser may read /api/nextauth/session: it learns nothing but the expiry.
      async session({ session }) {
        return { expires: session.expires };
      },
      async redirect({ url, baseUrl }) {
        return redirectTarget(url, baseUrl);
      },
    },
  };
}

const nextAuth = NextAuth(buildNextAuthConfig);

/**
 * next-auth builds redirect URIs from the request URL. Behind a proxy that URL is the internal
 * one, so anything that is not one of the app's origins is pinned to the first origin.
 */
async function onAppOrigin(request: NextRequest): Promise<NextRequest> {
  const current = request.nextUrl.origin.toLowerCase();
  if (appOrigins().includes(current)) return request;
  const url = `${siteOrigin()}${request.nextUrl.pathname}${request.nextUrl.search}`;
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  return new NextRequest(url, { method: request.method, headers: request.headers, body });
}

/** next-auth answers `{ url }` instead of a redirect to X-Auth-Return-Redirect (an SPA's fetch). */
async function providerUrlFromJson(response: Response): Promise<string | null> {
  if (!response.headers.get("content-type")?.includes("application/json")) return null;
  try {
    const body: unknown = await response.clone().json();
    return body && typeof body === "object" && "url" in body && typeof body.url === "string" ? body.url : null;
  } catch {
    return null;
  }
}

const SIGN_IN_START = new RegExp(`^${NEXTAUTH_BASE_PATH}/signin/[^/]+$`);
const CALLBACK = new RegExp(`^${NEXTAUTH_BASE_PATH}/callback/[^/]+$`);

/**
 * next-auth's routes, plus the browser binding: a sign-in start that sends the browser to a
 * provider also sets the nonce cookie bound to its `state`; a callback that did not hand a
 * sign-in on to /oauth/complete ends the nonce (and a link intent it used) right there.
 */
export async function handleNextAuthRequest(request: Request): Promise<Response> {
  const pinned = await onAppOrigin(request instanceof NextRequest ? request : new NextRequest(request));
  const outcome: CallbackOutcome = { handedOff: false, linkAttempted: false };
  outcomes.set(pinned, outcome);
  const response =
    pinned.method === "POST" ? await nextAuth.handlers.POST(pinned) : await nextAuth.handlers.GET(pinned);
  const path = pinned.nextUrl.pathname;
  if (SIGN_IN_START.test(path)) {
    const state = stateOfAuthorizationUrl(response.headers.get("location") ?? (await providerUrlFromJson(response)));
    if (state) response.headers.append("set-cookie", browserNonceSetCookie(await newBrowserNonce(state)));
  } else if (CALLBACK.test(path) && !outcome.handedOff) {
    response.headers.append("set-cookie", endBrowserNonceCookie());
    if (outcome.linkAttempted) response.headers.append("set-cookie", endLinkIntentCookie());
  }
  return response;
}

/**
 * Starts a provider sign-in from a server action (Next.js checks the action's Origin): sets the
 * state/PKCE cookies and redirects the browser to the provider. Throws Next's redirect.
 */
export async function redirectToProvider(providerId: string, returnTo: string): Promise<never> {
  // next-auth derives the redirect URI from these headers; a host that is not ours never gets one.
  const h = await headers();
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? "https";
  const host = h.get("x-forwarded-host")?.split(",")[0]?.trim() ?? h.get("host") ?? "";
  if (!appOrigins().includes(`${proto}://${host}`.toLowerCase())) redirect(`${OAUTH_ERROR_PATH}?error=Configuration`);
  const url: unknown = await nextAuth.signIn(providerId, { redirectTo: returnTo, redirect: false });
  const state = typeof url === "string" ? stateOfAuthorizationUrl(url) : null;
  if (typeof url !== "string" || !state) redirect(`${OAUTH_ERROR_PATH}?error=OAuthSignInError`);
  // This browser's proof that it started the authorization (lib/auth/oauth/browser-nonce.ts).
  (await cookies()).set(
    browserNonceCookieName(),
    await newBrowserNonce(state),
    browserNonceCookieOptions(BROWSER_NONCE_SECONDS),
  );
  redirect(url);
}

/** next-auth's session cookie name (see nextAuthCookies: __Host- in production). */
export function providerSessionCookieName(): string {
  return `${settings.production ? "__Host-" : ""}authjs.session-token`;
}

/** The provider sign-in this browser just finished, from next-auth's cookie only (never a header token). */
export async function readProviderSignIn(headers: Headers): Promise<string | null> {
  const name = providerSessionCookieName();
  const cookies = requestCookies(headers);
  let value = cookies.get(name);
  if (value === undefined) {
    const chunks: string[] = [];
    for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`) ?? "");
    value = chunks.length > 0 ? chunks.join("") : undefined;
  }
  if (!value) return null;
  try {
    const token = await decode({ token: value, secret: settings.authSecret, salt: name });
    return typeof token?.signInId === "string" ? token.signInId : null;
  } catch {
    return null;
  }
}

/** Set-Cookie values that end next-auth's session in this browser (every chunk it may have). */
export function endProviderSessionCookies(headers: Headers): string[] {
  const name = providerSessionCookieName();
  const names = new Set([name, ...[...requestCookies(headers).keys()].filter((n) => n.startsWith(`${name}.`))]);
  return [...names].map(deletionSetCookie);
}
