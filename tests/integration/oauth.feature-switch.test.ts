import { describe, expect, it } from "vitest";
import * as providers from "@/app/api/auth/oauth/providers/route";
import * as bridge from "@/app/api/auth/oauth/callback/route";
import * as nextAuthRoute from "@/app/api/nextauth/[...nextauth]/route";
import { createOAuthProvider, setOAuthProviderEnabled } from "@/lib/auth/oauth/providers";
import { call } from "../helpers/http";
import { providerLoginHandler } from "../helpers/social-login";
import { overrideSettings } from "../helpers/settings";

const APP = "http://localhost:3000";

describe("LOKDOWN_SOCIALAUTH_ENABLED and configured providers", () => {
  it("answers 403 on every social endpoint while the switch is off, even with providers configured", async () => {
    overrideSettings({
      socialAuth: {
        enabled: false,
        envProviders: [
          { id: "github", type: "github", displayName: "GitHub", clientId: "id", clientSecret: "secret", issuer: null },
        ],
      },
    });
    const answers = [
      await call(providers.GET, "GET", "/api/auth/oauth/providers"),
      await call(providerLoginHandler, "GET", "/api/auth/oauth/github/login", { params: { provider: "github" } }),
      await call(bridge.POST, "POST", "/api/auth/oauth/callback", { headers: { origin: APP, "x-lokdown-csrf": "1" } }),
      await call(nextAuthRoute.GET, "GET", "/api/nextauth/providers"),
      await call(nextAuthRoute.POST, "POST", "/api/nextauth/signin/github"),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ error: "Social account support is disabled", code: "social_auth_disabled" });
    }
  });

  it("answers 503 when the switch is on but no provider is configured or enabled", async () => {
    overrideSettings({ socialAuth: { enabled: true, envProviders: [] } });
    expect((await call(providers.GET, "GET", "/api/auth/oauth/providers")).status).toBe(503);
    await createOAuthProvider({
      id: "acme",
      type: "oidc",
      displayName: "Acme SSO",
      clientId: "acme-client",
      clientSecret: "acme-secret",
      issuer: "https://sso.acme.example",
    });
    await setOAuthProviderEnabled("acme", false);
    const none = await call(providers.GET, "GET", "/api/auth/oauth/providers");
    expect(none.status).toBe(503);
    expect(none.json.code).toBe("oauth_not_configured");
    expect(
      (await call(providerLoginHandler, "GET", "/api/auth/oauth/acme/login", { params: { provider: "acme" } })).status,
    ).toBe(503);
  });

  it("lists only configured and enabled providers, from the environment and the database", async () => {
    overrideSettings({
      socialAuth: {
        enabled: true,
        envProviders: [
          { id: "github", type: "github", displayName: "GitHub", clientId: "id", clientSecret: "secret", issuer: null },
        ],
      },
    });
    await createOAuthProvider({
      id: "acme",
      type: "oidc",
      displayName: "Acme SSO",
      clientId: "acme-client",
      clientSecret: "acme-secret",
      issuer: "https://sso.acme.example",
    });
    await createOAuthProvider({
      id: "off",
      type: "google",
      displayName: "Old Google",
      clientId: "g",
      clientSecret: "g-secret",
      enabled: false,
    });
    const listed = await call(providers.GET, "GET", "/api/auth/oauth/providers");
    expect(listed.status).toBe(200);
    expect(listed.json.providers).toEqual([
      {
        provider: "github",
        redirect_url: `${APP}/api/nextauth/signin/github`,
        callback_url: `${APP}/oauth/complete`,
        redirect_method: "POST",
      },
      {
        provider: "acme",
        redirect_url: `${APP}/api/nextauth/signin/acme`,
        callback_url: `${APP}/oauth/complete`,
        redirect_method: "POST",
      },
    ]);
    const disabled = await call(providerLoginHandler, "GET", "/api/auth/oauth/off/login", {
      params: { provider: "off" },
    });
    expect(disabled.status).toBe(404);
    expect(disabled.json.error).toBe("Provider not configured: off");
    const unknown = await call(providerLoginHandler, "GET", "/api/auth/oauth/nope/login", {
      params: { provider: "nope" },
    });
    expect(unknown.status).toBe(404);
    const one = await call(providerLoginHandler, "GET", "/api/auth/oauth/acme/login", { params: { provider: "acme" } });
    expect(one.json).toEqual({
      provider: "acme",
      redirect_url: `${APP}/api/nextauth/signin/acme`,
      callback_url: `${APP}/oauth/complete`,
      redirect_method: "POST",
    });
  });

  it("answers 405 in JSON to the wrong method", async () => {
    overrideSettings({ socialAuth: { enabled: true } });
    expect((await call(bridge.GET, "GET", "/api/auth/oauth/callback")).status).toBe(405);
    expect((await call(providers.POST, "POST", "/api/auth/oauth/providers")).status).toBe(405);
  });
});
