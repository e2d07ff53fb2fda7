import { describe, expect, it } from "vitest";
import { resolveCallbackUrl } from "@/lib/auth/oauth/callback-url";
import { describeProviderError } from "@/lib/auth/oauth/provider-errors";

describe("callback URL resolution", () => {
  it("defaults to the web completion page on the first app origin", () => {
    const result = resolveCallbackUrl(null);
    expect(result.ok && result.value).toBe("http://localhost:3000/oauth/complete");
  });

  it("never resolves a protocol-relative path to another host", () => {
    for (const raw of ["//evil.example", "/\\evil.example", "/%0d%0aevil", "\u0000/x"]) {
      const result = resolveCallbackUrl(raw);
      if (result.ok) expect(new URL(result.value).origin).toBe("http://localhost:3000");
    }
  });
});

describe("provider error page", () => {
  it("has a specific message for each refusal and for next-auth's errors", () => {
    for (const code of [
      "oauth_account_not_linked",
      "oauth_signup_closed",
      "oauth_email_not_verified",
      "OAuthCallbackError",
      "OAuthSignInError",
      "Configuration",
    ]) {
      const view = describeProviderError(code);
      expect(view.code).toBe(code);
      expect(view.message.length).toBeGreaterThan(10);
    }
    expect(describeProviderError("<script>").code).toBe("unknown");
  });
});
