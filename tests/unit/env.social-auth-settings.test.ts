import { describe, expect, it } from "vitest";
import { parseSettings } from "@/lib/env";

const DB = "postgresql://postgres@127.0.0.1:5432/example";

function errorOf(source: Record<string, string | undefined>): string {
  try {
    parseSettings({ DATABASE_URL: DB, ...source });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("parseSettings accepted an invalid configuration");
}

describe("social login settings", () => {
  it("is off by default, with no providers (django-lokdown 1.2.0+)", () => {
    const s = parseSettings({ DATABASE_URL: DB });
    expect(s.socialAuth).toEqual({ enabled: false, allowedCallbackOrigins: [], envProviders: [] });
  });

  it("reads GitHub, Google and a generic OIDC provider from AUTH_* variables", () => {
    const s = parseSettings({
      DATABASE_URL: DB,
      LOKDOWN_SOCIALAUTH_ENABLED: "true",
      LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS: "https://spa.example.com, http://localhost:5173",
      AUTH_GITHUB_ID: "gh-id",
      AUTH_GITHUB_SECRET: "gh-secret",
      AUTH_GOOGLE_ID: "g-id",
      AUTH_GOOGLE_SECRET: "g-secret",
      AUTH_OIDC_ID: "o-id",
      AUTH_OIDC_SECRET: "o-secret",
      AUTH_OIDC_ISSUER: "https://login.example.com/realms/main",
      AUTH_OIDC_NAME: "Example SSO",
    });
    expect(s.socialAuth.enabled).toBe(true);
    expect(s.socialAuth.allowedCallbackOrigins).toEqual(["https://spa.example.com", "http://localhost:5173"]);
    expect(s.socialAuth.envProviders.map((p) => [p.id, p.type, p.displayName, p.issuer])).toEqual([
      ["github", "github", "GitHub", null],
      ["google", "google", "Google", null],
      ["oidc", "oidc", "Example SSO", "https://login.example.com/realms/main"],
    ]);
  });

  it("names every half-configured provider and bad URL", () => {
    expect(errorOf({ AUTH_GITHUB_ID: "x" })).toContain("AUTH_GITHUB_SECRET");
    expect(errorOf({ AUTH_GOOGLE_SECRET: "x" })).toContain("AUTH_GOOGLE_ID");
    expect(errorOf({ AUTH_OIDC_ID: "x", AUTH_OIDC_SECRET: "y" })).toContain("AUTH_OIDC_ISSUER");
    expect(
      errorOf({ AUTH_OIDC_ID: "x", AUTH_OIDC_SECRET: "y", AUTH_OIDC_ISSUER: "http://login.example.com" }),
    ).toContain("https");
    expect(errorOf({ LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS: "https://spa.example.com/path" })).toContain(
      "LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS",
    );
  });

  it("allows a plain-http issuer only on loopback", () => {
    const s = parseSettings({
      DATABASE_URL: DB,
      AUTH_OIDC_ID: "x",
      AUTH_OIDC_SECRET: "y",
      AUTH_OIDC_ISSUER: "http://127.0.0.1:9000",
    });
    expect(s.socialAuth.envProviders[0]?.issuer).toBe("http://127.0.0.1:9000");
  });
});
