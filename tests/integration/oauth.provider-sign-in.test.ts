import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import { APP_ORIGIN, callBridge, OIDC_REDIRECT_URI, signInWithProvider, useTestProvider } from "../helpers/social-login";

let oidc: TestOidcProvider;
beforeAll(async () => {
  oidc = await startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] });
});
afterAll(async () => {
  await oidc?.stop();
});

describe("sign-in through a real OpenID Connect provider", () => {
  it("creates a user on the first sign-in and bridges it into a token pair", async () => {
    useTestProvider(oidc);
    const account = { sub: "alice-1", email: "Alice.Smith@Example.com", emailVerified: true };
    const flow = await signInWithProvider(oidc, account, { callbackUrl: "/" });
    expect(flow.location).toBe(`${APP_ORIGIN}/`);
    const bridged = await callBridge(flow.jar, flow.client);
    expect(bridged.status).toBe(200);
    expect(bridged.json).toMatchObject({ requires_2fa: false, requires_2fa_setup: false });
    expect(typeof bridged.json.access_token).toBe("string");
    const user = await db.user.findUniqueOrThrow({ where: { email: "alice.smith@example.com" }, include: { oauthAccounts: true } });
    expect(user.username).toBe("alice.smith");
    expect(user.passwordHash).toBeNull();
    expect(user.oauthAccounts).toMatchObject([{ provider: "oidc", providerAccountId: "alice-1", emailVerified: true }]);
  });
});
