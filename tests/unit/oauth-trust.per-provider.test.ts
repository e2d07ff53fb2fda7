import { describe, expect, it } from "vitest";
import { emailDomain, providerEmailTrusted } from "@/lib/auth/oauth/email-trust";

describe("providerEmailTrusted", () => {
  it("trusts GitHub's and Google's verified addresses, never an unverified one", () => {
    expect(providerEmailTrusted({ type: "github" }, "a@b.example", true)).toBe(true);
    expect(providerEmailTrusted({ type: "google" }, "a@gmail.com", true)).toBe(true);
    expect(providerEmailTrusted({ type: "google" }, "a@gmail.com", false)).toBe(false);
    expect(providerEmailTrusted({ type: "github" }, null, true)).toBe(false);
  });

  it("trusts a generic OIDC provider only when switched on, and then only for listed domains", () => {
    expect(providerEmailTrusted({ type: "oidc" }, "a@corp.example", true)).toBe(false);
    expect(
      providerEmailTrusted(
        { type: "oidc", trustEmail: false, trustedEmailDomains: ["corp.example"] },
        "a@corp.example",
        true,
      ),
    ).toBe(false);
    expect(providerEmailTrusted({ type: "oidc", trustEmail: true }, "a@any.example", true)).toBe(true);
    const corp = { type: "oidc" as const, trustEmail: true, trustedEmailDomains: ["corp.example"] };
    expect(providerEmailTrusted(corp, "a@corp.example", true)).toBe(true);
    expect(providerEmailTrusted(corp, "a@CORP.example", true)).toBe(true);
    expect(providerEmailTrusted(corp, "a@sub.corp.example", true)).toBe(false);
    expect(providerEmailTrusted(corp, "a@corp.example.evil", true)).toBe(false);
    expect(providerEmailTrusted(corp, "a@gmail.com", true)).toBe(false);
    expect(providerEmailTrusted(corp, "corp.example@gmail.com", true)).toBe(false);
    expect(providerEmailTrusted(corp, "a@corp.example", false)).toBe(false);
  });

  it("takes the domain after the last @", () => {
    expect(emailDomain("x@y@corp.example")).toBe("corp.example");
    expect(emailDomain("nodomain@")).toBeNull();
    expect(emailDomain("@corp.example")).toBeNull();
  });
});
