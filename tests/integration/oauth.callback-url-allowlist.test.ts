import { describe, expect, it } from "vitest";
import * as providers from "@/app/api/auth/oauth/providers/route";
import { call } from "../helpers/http";
import { providerLoginHandler } from "../helpers/social-login";
import { overrideSettings } from "../helpers/settings";

const APP = "http://localhost:3000";

function configure() {
  overrideSettings({
    socialAuth: {
      enabled: true,
      allowedCallbackOrigins: ["https://spa.example.com"],
      envProviders: [
        { id: "google", type: "google", displayName: "Google", clientId: "id", clientSecret: "secret", issuer: null },
      ],
    },
  });
}

const listWith = (query: Record<string, string>) => call(providers.GET, "GET", "/api/auth/oauth/providers", { query });

describe("callback_url is validated against the app's own origins", () => {
  it("makes a relative path absolute on the first app origin, for callback_url and the legacy next", async () => {
    configure();
    for (const key of ["callback_url", "next"]) {
      const res = await listWith({ [key]: "/spa/oauth/callback?x=1" });
      expect(res.status).toBe(200);
      expect((res.json.providers as Array<{ callback_url: string }>)[0]?.callback_url).toBe(
        `${APP}/spa/oauth/callback?x=1`,
      );
    }
  });

  it("echoes an allowed absolute URL on an app origin or an allowlisted SPA origin", async () => {
    configure();
    for (const url of [`${APP}/done`, "https://spa.example.com/oauth/done", "HTTPS://SPA.example.com/oauth/done"]) {
      const res = await listWith({ callback_url: url });
      expect(res.status, url).toBe(200);
      expect((res.json.providers as Array<{ callback_url: string }>)[0]?.callback_url).toBe(new URL(url).href);
    }
  });

  it("refuses every other URL with DRF's field error", async () => {
    configure();
    const refused = [
      "https://evil.example/steal",
      "//evil.example/x",
      "/\\evil.example",
      "https://spa.example.com.evil.example/",
      "https://spa.example.com:8443/",
      "http://spa.example.com/",
      "javascript:alert(1)",
      "https://user:pass@spa.example.com/",
      "data:text/html,hi",
      "not a url",
      `/${"a".repeat(2100)}`,
    ];
    for (const url of refused) {
      const res = await listWith({ callback_url: url });
      expect(res.status, url).toBe(400);
      expect(res.json.callback_url, url).toEqual(["Invalid or disallowed callback_url"]);
      expect(res.json.code).toBe("invalid_callback_url");
    }
    const one = await call(providerLoginHandler, "GET", "/api/auth/oauth/google/login", {
      params: { provider: "google" },
      query: { callback_url: "https://evil.example" },
    });
    expect(one.status).toBe(400);
    expect(one.json.callback_url).toEqual(["Invalid or disallowed callback_url"]);
  });

  it("never allows a foreign origin just because the allowlist is empty (django-lokdown allowed it)", async () => {
    overrideSettings({
      socialAuth: {
        enabled: true,
        allowedCallbackOrigins: [],
        envProviders: [
          { id: "google", type: "google", displayName: "Google", clientId: "id", clientSecret: "secret", issuer: null },
        ],
      },
    });
    expect((await listWith({ callback_url: "https://anywhere.example/" })).status).toBe(400);
  });
});
