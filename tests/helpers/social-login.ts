import { NextRequest } from "next/server";
import { expect } from "vitest";
import { PEER_HEADER } from "@/lib/auth/request/client";
import { GET as nextAuthGET, POST as nextAuthPOST } from "@/app/api/nextauth/[...nextauth]/route";
import { POST as bridgePOST } from "@/app/api/auth/oauth/callback/route";
import { overrideSettings } from "./settings";
import { newClient, type Client } from "./http";
import type { TestAccount, TestOidcProvider } from "./oidc-provider";

export const APP_ORIGIN = "http://localhost:3000";
export const OIDC_REDIRECT_URI = `${APP_ORIGIN}/api/nextauth/callback/oidc`;

/**
 * Social login on, with the loopback test provider as the environment's "oidc" provider. Its
 * verified e-mail links to existing accounts only with `trustEmail` (optionally per domain).
 */
export function useTestProvider(
  oidc: TestOidcProvider,
  extra: { signupEnabled?: boolean; trustEmail?: boolean; trustedEmailDomains?: string[] } = {},
): void {
  overrideSettings({
    signupEnabled: extra.signupEnabled ?? true,
    socialAuth: {
      enabled: true,
      allowedCallbackOrigins: ["https://spa.example.com"],
      envProviders: [
        {
          id: "oidc",
          type: "oidc",
          displayName: "Test SSO",
          clientId: oidc.clientId,
          clientSecret: oidc.clientSecret,
          issuer: oidc.issuer,
          trustEmail: extra.trustEmail ?? false,
          trustedEmailDomains: extra.trustedEmailDomains ?? [],
        },
      ],
    },
  });
}

/** The cookies of one browser, for one origin. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some(
        (a) =>
          /^\s*max-age=0\s*$/i.test(a) ||
          (/^\s*expires=/i.test(a) && new Date(a.split("=")[1] ?? "").getTime() < Date.now()),
      );
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

type RouteHandler = (
  request: Request,
  context: { params: Promise<Record<string, string | string[]>> },
) => Promise<Response>;

/** Calls a next-auth or app route in-process as the browser `client` with `jar`'s cookies. */
export async function appRequest(
  handler: RouteHandler,
  method: string,
  url: string,
  jar: CookieJar,
  client: Client,
  init: { body?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = {
    [PEER_HEADER]: client.ip,
    "user-agent": client.userAgent,
    cookie: jar.header(),
    ...init.headers,
  };
  const response = await handler(new NextRequest(new URL(url, APP_ORIGIN), { method, headers, body: init.body }), {
    params: Promise.resolve({}),
  });
  jar.store(response);
  return response;
}

/**
 * A browser signing in through the provider: next-auth's CSRF token, the sign-in POST, the
 * provider's (automatic) login and consent over real HTTP, and the callback back into next-auth.
 * Returns where next-auth sends the browser in the end, and the app cookies.
 */
export async function signInWithProvider(
  oidc: TestOidcProvider,
  account: TestAccount,
  options: { callbackUrl?: string; jar?: CookieJar; client?: Client } = {},
) {
  const { callbackUrl, jar, client } = await authorizeAtProvider(oidc, account, options);
  const callback = await appRequest(nextAuthGET, "GET", callbackUrl, jar, client);
  return { location: callback.headers.get("location") ?? "", status: callback.status, jar, client };
}

/**
 * The first half of signInWithProvider: the browser starts the sign-in and the provider answers,
 * but the redirect back (the callback URL with code and state) is returned, not followed.
 */
export async function authorizeAtProvider(
  oidc: TestOidcProvider,
  account: TestAccount,
  options: { callbackUrl?: string; jar?: CookieJar; client?: Client } = {},
) {
  const jar = options.jar ?? new CookieJar();
  const client = options.client ?? newClient("social-login-test");
  oidc.signInAs(account);
  const csrf = await appRequest(nextAuthGET, "GET", "/api/nextauth/csrf", jar, client);
  expect(csrf.status).toBe(200);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const start = await appRequest(nextAuthPOST, "POST", "/api/nextauth/signin/oidc", jar, client, {
    body: new URLSearchParams({
      csrfToken,
      callbackUrl: options.callbackUrl ?? `${APP_ORIGIN}/oauth/complete`,
    }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  let location = start.headers.get("location") ?? "";
  expect(location.startsWith(oidc.issuer), `sign-in went to ${location}`).toBe(true);

  const providerJar = new CookieJar();
  for (let hop = 0; hop < 10 && location.startsWith(oidc.issuer); hop++) {
    const response = await fetch(location, { redirect: "manual", headers: { cookie: providerJar.header() } });
    providerJar.store(response);
    location = new URL(response.headers.get("location") ?? "", location).href;
  }
  expect(location.startsWith(OIDC_REDIRECT_URI), `provider returned to ${location}`).toBe(true);
  return { callbackUrl: location, jar, client };
}

/** The provider's redirect back, delivered to a browser with `jar`'s cookies. */
export async function deliverCallback(callbackUrl: string, jar: CookieJar, client: Client) {
  const callback = await appRequest(nextAuthGET, "GET", callbackUrl, jar, client);
  return { location: callback.headers.get("location") ?? "", status: callback.status, response: callback };
}

/** The SPA's POST /api/auth/oauth/callback with the browser's cookies. */
export async function callBridge(
  jar: CookieJar,
  client: Client,
  headers: Record<string, string> = { origin: APP_ORIGIN, "x-lokdown-csrf": "1" },
) {
  const response = await appRequest(bridgePOST, "POST", "/api/auth/oauth/callback", jar, client, { headers });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, response };
}

/** `call` passes untyped params; the `[provider]` segment's handler wants `{ provider }`. */
export const providerLoginHandler = async (
  request: Request,
  context: { params: Promise<Record<string, string | string[]>> },
) => {
  const { GET } = await import("@/app/api/auth/oauth/[provider]/login/route");
  const params = await context.params;
  return GET(request, { params: Promise.resolve({ provider: String(params.provider) }) });
};
