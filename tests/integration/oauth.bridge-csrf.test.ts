import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import {
  APP_ORIGIN,
  callBridge,
  OIDC_REDIRECT_URI,
  signInWithProvider,
  useTestProvider,
} from "../helpers/social-login";

let oidc: TestOidcProvider;
beforeAll(async () => {
  oidc = await startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] });
});
afterAll(async () => {
  await oidc?.stop();
});

describe("POST /api/auth/oauth/callback is protected against CSRF", () => {
  it("refuses a missing or foreign Origin and a missing X-Lokdown-CSRF header, and stays usable for the real SPA", async () => {
    useTestProvider(oidc);
    const flow = await signInWithProvider(oidc, { sub: "csrf-1", email: "nina@example.org", emailVerified: true });
    const attempts: Record<string, string>[] = [
      {},
      { "x-lokdown-csrf": "1" },
      { origin: "https://evil.example", "x-lokdown-csrf": "1" },
      { origin: "null", "x-lokdown-csrf": "1" },
      { origin: APP_ORIGIN },
      { origin: `${APP_ORIGIN}.evil.example`, "x-lokdown-csrf": "1" },
    ];
    for (const headers of attempts) {
      const refused = await callBridge(flow.jar, flow.client, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.json.code).toBe("csrf_failed");
    }
    // Refusals consumed nothing: the legitimate call still works, once.
    expect(await db.oAuthSignIn.count({ where: { consumedAt: null } })).toBe(1);
    const ok = await callBridge(flow.jar, flow.client);
    expect(ok.status).toBe(200);
    expect(await db.authSession.count()).toBe(1);
  });

  it("accepts an SPA origin from LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS", async () => {
    useTestProvider(oidc);
    const flow = await signInWithProvider(
      oidc,
      { sub: "csrf-2", email: "omar@example.org", emailVerified: true },
      { callbackUrl: "https://spa.example.com/oauth/done" },
    );
    expect(flow.location).toBe("https://spa.example.com/oauth/done");
    const ok = await callBridge(flow.jar, flow.client, { origin: "https://spa.example.com", "x-lokdown-csrf": "1" });
    expect(ok.status).toBe(200);
  });
});
