import "server-only";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import { callbackOrigins, resolveCallbackUrl } from "./callback-url";
import { listEnabledProviders, NEXTAUTH_BASE_PATH, type EnabledProvider } from "./providers";
import { siteOrigin } from "../site";

/**
 * django-lokdown's OAuth bridge for SPAs (GET /api/auth/oauth/providers, GET .../<provider>/login,
 * POST .../callback): where to send the browser for a provider, and the CSRF rule for turning the
 * finished sign-in into tokens.
 */

/** One provider's redirect metadata, keys as on the wire. */
export type ProviderRedirect = {
  provider: string;
  redirect_url: string;
  callback_url: string;
  redirect_method: "POST";
};

/** The header an SPA sends with POST /api/auth/oauth/callback; a plain HTML form cannot set it. */
export const BRIDGE_CSRF_HEADER = "x-lokdown-csrf";

const redirectFor = (provider: EnabledProvider, callbackUrl: string): ProviderRedirect => ({
  provider: provider.id,
  redirect_url: `${siteOrigin()}${NEXTAUTH_BASE_PATH}/signin/${provider.id}`,
  callback_url: callbackUrl,
  redirect_method: "POST",
});

async function configuredProviders(): Promise<Result<EnabledProvider[]>> {
  if (!settings.socialAuth.enabled) return fail("social_auth_disabled");
  const providers = await listEnabledProviders();
  return providers.length > 0 ? ok(providers) : fail("oauth_not_configured");
}

export async function listProviderRedirects(callbackUrl: string | null): Promise<Result<ProviderRedirect[]>> {
  const providers = await configuredProviders();
  if (!providers.ok) return providers;
  const resolved = resolveCallbackUrl(callbackUrl);
  if (!resolved.ok) return resolved;
  return ok(providers.value.map((p) => redirectFor(p, resolved.value)));
}

export async function describeProviderRedirect(
  providerId: string,
  callbackUrl: string | null,
): Promise<Result<ProviderRedirect>> {
  const providers = await configuredProviders();
  if (!providers.ok) return providers;
  const provider = providers.value.find((p) => p.id === providerId);
  if (!provider)
    return fail("oauth_provider_not_found", { message: `Provider not configured: ${providerId.slice(0, 64)}` });
  const resolved = resolveCallbackUrl(callbackUrl);
  if (!resolved.ok) return resolved;
  return ok(redirectFor(provider, resolved.value));
}

/**
 * The bridge is authenticated by a cookie, so it needs CSRF protection. Without a token to fetch:
 * the Origin must be one of ours (browsers always send it on a cross-origin or POST fetch) and a
 * custom header must be present, which no form can send and no other origin can send without
 * passing a CORS preflight this app does not grant.
 */
export function checkBridgeCsrf(headers: Headers): Result<void> {
  const origin = headers.get("origin")?.toLowerCase();
  if (!origin || !callbackOrigins().includes(origin))
    return fail("csrf_failed", { message: "CSRF Failed: Origin checking failed" });
  if (!headers.get(BRIDGE_CSRF_HEADER))
    return fail("csrf_failed", { message: "CSRF Failed: the X-Lokdown-CSRF header is missing" });
  return ok(undefined);
}
