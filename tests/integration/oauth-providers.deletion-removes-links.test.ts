import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createOAuthProvider, deleteOAuthProvider } from "@/lib/auth/oauth/providers";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import { APP_ORIGIN, callBridge, OIDC_REDIRECT_URI, signInWithProvider } from "../helpers/social-login";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";

let oidc: TestOidcProvider;
beforeAll(async () => {
  oidc = await startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] });
});
afterAll(async () => {
  await oidc?.stop();
});

const record = (issuer: string) => ({
  id: "oidc",
  type: "oidc",
  displayName: "Company SSO",
  clientId: "client",
  clientSecret: "a-client-secret-value",
  issuer,
});

describe("deleting an OAuth provider removes its links; a new one never inherits them", () => {
  it("a provider re-created under the same id with another issuer does not sign into the old links' accounts", async () => {
    overrideSettings({ signupEnabled: true, socialAuth: { enabled: true, envProviders: [] } });
    expect((await createOAuthProvider(record("https://old-sso.example"))).ok).toBe(true);
    const victim = await makeUser();
    // The old issuer's subject "12345" is linked to the victim.
    await db.oAuthAccount.create({
      data: {
        userId: victim.id,
        provider: "oidc",
        providerAccountId: "12345",
        email: victim.email,
        emailVerified: true,
      },
    });

    expect((await deleteOAuthProvider("oidc")).ok).toBe(true);
    expect(await db.oAuthAccount.count({ where: { provider: "oidc" } })).toBe(0);
    expect(
      await db.securityEvent.findFirst({ where: { type: "oauth_provider.deleted" }, select: { details: true } }),
    ).toMatchObject({ details: { provider: "oidc", linksRemoved: "1" } });

    // Another issuer (the loopback test IdP) now answers for "oidc", and its own "12345" signs in.
    expect(
      (await createOAuthProvider({ ...record(oidc.issuer), clientId: oidc.clientId, clientSecret: oidc.clientSecret }))
        .ok,
    ).toBe(true);
    const flow = await signInWithProvider(oidc, { sub: "12345", email: "stranger@other.example", emailVerified: true });
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    const bridged = await callBridge(flow.jar, flow.client);
    expect(bridged.status).toBe(200);
    const link = await db.oAuthAccount.findFirstOrThrow({ where: { provider: "oidc", providerAccountId: "12345" } });
    expect(link.userId).not.toBe(victim.id);
    expect(await db.authSession.count({ where: { userId: victim.id } })).toBe(0);
  });

  it("creating a provider clears links left under its id (from before this rule, or an environment provider)", async () => {
    overrideSettings({ socialAuth: { enabled: true, envProviders: [] } });
    const user = await makeUser();
    await db.oAuthAccount.create({ data: { userId: user.id, provider: "acme-sso", providerAccountId: "left-over" } });
    expect((await createOAuthProvider({ ...record("https://new-sso.example"), id: "acme-sso" })).ok).toBe(true);
    expect(await db.oAuthAccount.count({ where: { provider: "acme-sso" } })).toBe(0);
  });

  it("deleting an unknown provider changes nothing", async () => {
    overrideSettings({ socialAuth: { enabled: true, envProviders: [] } });
    const user = await makeUser();
    await db.oAuthAccount.create({ data: { userId: user.id, provider: "other", providerAccountId: "x" } });
    const result = await deleteOAuthProvider("missing");
    expect(result.ok || result.code).toBe("oauth_provider_not_found");
    expect(await db.oAuthAccount.count()).toBe(1);
  });
});
