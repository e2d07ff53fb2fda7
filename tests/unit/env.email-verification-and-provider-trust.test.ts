import { describe, expect, it } from "vitest";
import { parseSettings } from "@/lib/env";

const DB = "postgresql://postgres@127.0.0.1:5432/example";
const OIDC = { AUTH_OIDC_ID: "o-id", AUTH_OIDC_SECRET: "o-secret", AUTH_OIDC_ISSUER: "https://login.example.com" };

function errorOf(source: Record<string, string | undefined>): string {
  try {
    parseSettings({ DATABASE_URL: DB, ...source });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("parseSettings accepted an invalid configuration");
}

describe("LOKDOWN_EMAIL_VERIFICATION", () => {
  it("is optional by default, with 48-hour links", () => {
    expect(parseSettings({ DATABASE_URL: DB }).emailVerification).toEqual({ required: false, linkHours: 48 });
  });

  it("accepts required and optional only", () => {
    expect(parseSettings({ DATABASE_URL: DB, LOKDOWN_EMAIL_VERIFICATION: "required" }).emailVerification.required).toBe(
      true,
    );
    expect(parseSettings({ DATABASE_URL: DB, LOKDOWN_EMAIL_VERIFICATION: "optional" }).emailVerification.required).toBe(
      false,
    );
    expect(errorOf({ LOKDOWN_EMAIL_VERIFICATION: "yes" })).toContain("LOKDOWN_EMAIL_VERIFICATION");
    expect(errorOf({ LOKDOWN_EMAIL_VERIFICATION_HOURS: "0" })).toContain("LOKDOWN_EMAIL_VERIFICATION_HOURS");
  });
});

describe("AUTH_OIDC_TRUST_EMAIL", () => {
  it("leaves the environment's OIDC provider untrusted by default", () => {
    const [provider] = parseSettings({ DATABASE_URL: DB, ...OIDC }).socialAuth.envProviders;
    expect(provider).toMatchObject({ id: "oidc", trustEmail: false, trustedEmailDomains: [] });
  });

  it("trusts it when switched on, for the listed domains (lower-cased)", () => {
    const [provider] = parseSettings({
      DATABASE_URL: DB,
      ...OIDC,
      AUTH_OIDC_TRUST_EMAIL: "true",
      AUTH_OIDC_TRUSTED_EMAIL_DOMAINS: "Corp.Example, mail.corp.example",
    }).socialAuth.envProviders;
    expect(provider).toMatchObject({ trustEmail: true, trustedEmailDomains: ["corp.example", "mail.corp.example"] });
  });

  it("refuses something that is not a domain", () => {
    expect(errorOf({ ...OIDC, AUTH_OIDC_TRUSTED_EMAIL_DOMAINS: "corp.example, @@bad" })).toContain(
      "AUTH_OIDC_TRUSTED_EMAIL_DOMAINS",
    );
  });
});
