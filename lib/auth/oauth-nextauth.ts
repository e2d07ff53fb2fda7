import "server-only";
import NextAuth, { type Account, type NextAuthConfig, type Profile } from "next-auth";
import { decode } from "next-auth/jwt";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import type { Provider } from "next-auth/providers";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { NextRequest } from "next/server";
import { settings } from "@/lib/env";
import { deletionSetCookie } from "@/lib/http/cookies";
import { clientFrom, type ClientInfo } from "./client";
import { appOrigins, callbackOrigins, WEB_COMPLETE_PATH } from "./oauth-callback-url";
import { loadEnabledProviders, NEXTAUTH_BASE_PATH, type OAuthProviderCredentials, type OAuthProviderType } from "./oauth-providers";
import { linkProviderAccount, readLinkIntent } from "./oauth-link";
import { completeProviderSignIn, OAUTH_SIGN_IN_SECONDS, type ProviderIdentity } from "./oauth";
import { siteOrigin } from "./site";

/**
 * next-auth (v5) does the OAuth/OIDC dance only: redirect, state/PKCE/nonce checks, token
 * exchange, profile. Its signIn callback hands the identity to lib/auth/oauth.ts, and its JWT
 * session carries nothing but the id of a single-use OAuthSignIn, which the bridge turns into our
 * own session (with the 2FA step) and which the bridge ends. No adapter: our tables are the truth.
 */

export const OAUTH_ERROR_PATH = "/oauth/error";
export const CONNECTIONS_PATH = "/account/connections";

/** Set by the signIn callback, read by the jwt callback of the same request. */
const signInIds = new WeakMap<object, string>();

const GITHUB_API = "https://api.github.com";

/** GitHub's profile e-mail may be unverified; only the verified primary address counts. */
async function githubVerifiedEmail(accessToken: string | undefined): Promise<string | null> {
  if (!accessToken) return null;
  const response = await fetch(`${GITHUB_API}/user/emails`, {
    headers: { authorization: `Bearer ${accessToken}`, accept: "application/vnd.github+json", "user-agent": "next-lokdown" },
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

async function identityFrom(type: OAuthProviderType, account: Account, profile: Profile | undefined): Promise<ProviderIdentity> {
  const base = { provider: account.provider, providerAccountId: account.providerAccountId };
  if (type === "github") {
    const email = await githubVerifiedEmail(account.access_token);
    return { ...base, email, emailVerified: email !== null };
  }
  const claim: unknown = profile?.email_verified;
  return {
    ...base,
    email: typeof profile?.email === "string" ? profile.email : null,
    emailVerified: claim === true || claim === "true",
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
      return { ...common, type: "oidc", issuer: p.issuer ?? undefined, checks: ["pkce", "state", "nonce"], idToken: false, authorization: { params: { scope: "openid email profile" } } };
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
  const types = new Map(providers.map((p) => [p.id, p.type]));
  const client: ClientInfo = request ? clientFrom(request.headers) : { ip: null, userAgent: "" };
  return {
    basePath: NEXTAUTH_BASE_PATH,
    secret: settings.authSecret,
    // Requests reach next-auth only through handleNextAuthRequest, which pins the origin.
    trustHost: true,
    useSecureCookies: settings.production,
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
        const type = account ? types.get(account.provider) : undefined;
        if (!account || !type) return `${OAUTH_ERROR_PATH}?error=OAuthSignInError`;
        const identity = await identityFrom(type, account, profile);
        // A signed-in user linking this provider from the account page: link, never sign in.
        const intent = request ? await readLinkIntent(request.headers, account.provider) : null;
        if (intent) {
          const linked = await linkProviderAccount(intent, identity, client);
          return linked.ok ? `${CONNECTIONS_PATH}?linked=${encodeURIComponent(account.provider)}` : `${OAUTH_ERROR_PATH}?error=${linked.code}`;
        }
        const result = await completeProviderSignIn(identity, client);
        if (!result.ok) return `${OAUTH_ERROR_PATH}?error=${result.code}`;
        signInIds.set(user, result.value.signInId);
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

export async function handleNextAuthRequest(request: Request): Promise<Response> {
  const pinned = await onAppOrigin(request instanceof NextRequest ? request : new NextRequest(request));
  return pinned.method === "POST" ? nextAuth.handlers.POST(pinned) : nextAuth.handlers.GET(pinned);
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
  await nextAuth.signIn(providerId, { redirectTo: returnTo });
  throw new Error("next-auth did not redirect to the provider");
}

/** next-auth's session cookie name (the __Secure- prefix follows useSecureCookies). */
export function providerSessionCookieName(): string {
  return `${settings.production ? "__Secure-" : ""}authjs.session-token`;
}

function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    const raw = part.slice(index + 1).trim();
    try {
      out.set(name, decodeURIComponent(raw));
    } catch {
      out.set(name, raw);
    }
  }
  return out;
}

/** The provider sign-in this browser just finished, from next-auth's cookie only (never a header token). */
export async function readProviderSignIn(headers: Headers): Promise<string | null> {
  const name = providerSessionCookieName();
  const cookies = parseCookies(headers.get("cookie"));
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
  const names = new Set([name, ...[...parseCookies(headers.get("cookie")).keys()].filter((n) => n.startsWith(`${name}.`))]);
  return [...names].map(deletionSetCookie);
}
