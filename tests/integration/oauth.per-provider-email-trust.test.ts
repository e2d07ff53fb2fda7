import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import {
  createOAuthProvider,
  listOAuthProviders,
  loadEnabledProviders,
  updateOAuthProvider,
} from "@/lib/auth/oauth/providers";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import {
  APP_ORIGIN,
  callBridge,
  OIDC_REDIRECT_URI,
  signInWithProvider,
  useTestProvider,
} from "../helpers/social-login";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";

let oidc: TestOidcProvider;
beforeAll(async () => {
  oidc = await startOidcProvider({ redirectUris: [OIDC_REDIRECT_URI] });
});
afterAll(async () => {
  await oidc?.stop();
});

/** A confirmed local account at `email`, the target a partner's identity provider would aim for. */
async function confirmedAccount(email: string) {
  const user = await makeUser({ emailVerified: true });
  await db.user.update({ where: { id: user.id }, data: { email } });
  return user;
}

describe("a generic OpenID Connect provider's e-mail is not trusted for linking unless the admin says so", () => {
  it("by default, a partner IdP asserting a verified victim@gmail.com does not sign into that local account", async () => {
    useTestProvider(oidc);
    const victim = await confirmedAccount("victim@gmail.com");
    const flow = await signInWithProvider(oidc, {
      sub: "partner-staff-1",
      email: "victim@gmail.com",
      emailVerified: true,
    });
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_account_not_linked`);
    expect(await db.oAuthAccount.count()).toBe(0);
    expect(await db.oAuthSignIn.count()).toBe(0);
    expect(await db.securityEvent.count({ where: { type: "oauth.refused", userId: victim.id } })).toBe(1);
  });

  it("trusted for listed domains only: links at corp.example, not at gmail.com", async () => {
    useTestProvider(oidc, { trustEmail: true, trustedEmailDomains: ["corp.example"] });
    const outsider = await confirmedAccount("victim@gmail.com");
    const refused = await signInWithProvider(oidc, {
      sub: "partner-staff-2",
      email: "victim@gmail.com",
      emailVerified: true,
    });
    expect(refused.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_account_not_linked`);
    expect(await db.oAuthAccount.count({ where: { userId: outsider.id } })).toBe(0);

    const employee = await confirmedAccount("worker@corp.example");
    const linked = await signInWithProvider(oidc, {
      sub: "worker-1",
      email: "Worker@Corp.Example",
      emailVerified: true,
    });
    expect(linked.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    expect((await callBridge(linked.jar, linked.client)).status).toBe(200);
    expect(await db.oAuthAccount.count({ where: { userId: employee.id } })).toBe(1);
  });

  it("trusted for every domain when the list is empty", async () => {
    useTestProvider(oidc, { trustEmail: true });
    const user = await confirmedAccount("anyone@elsewhere.example");
    const flow = await signInWithProvider(oidc, {
      sub: "any-1",
      email: "anyone@elsewhere.example",
      emailVerified: true,
    });
    expect(flow.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    expect(await db.oAuthAccount.count({ where: { userId: user.id } })).toBe(1);
  });
});

describe("the admin record of a provider carries its trust", () => {
  const acme = {
    id: "acme-sso",
    type: "oidc",
    displayName: "Acme SSO",
    clientId: "acme-client",
    clientSecret: "s3cret-value-for-acme",
    issuer: "https://sso.acme.example",
  };

  it("stores the switch and the domains for OIDC, lower-cased, and validates the domains", async () => {
    overrideSettings({ socialAuth: { enabled: true, envProviders: [] } });
    expect((await createOAuthProvider({ ...acme })).ok).toBe(true);
    expect((await loadEnabledProviders())[0]).toMatchObject({ trustEmail: false, trustedEmailDomains: [] });

    const updated = await updateOAuthProvider("acme-sso", {
      trustEmail: true,
      trustedEmailDomains: ["Acme.Example", "@mail.acme.example"],
    });
    expect(updated.ok).toBe(true);
    expect((await listOAuthProviders())[0]).toMatchObject({
      trustEmail: true,
      trustedEmailDomains: ["acme.example", "mail.acme.example"],
    });

    const bad = await updateOAuthProvider("acme-sso", { trustedEmailDomains: ["not a domain"] });
    expect(bad.ok || bad.code).toBe("validation_error");
    const row = await db.oAuthProvider.findUniqueOrThrow({ where: { id: "acme-sso" } });
    expect(row.trustedEmailDomains).toEqual(["acme.example", "mail.acme.example"]);

    // Turning trust off drops the list with it.
    await updateOAuthProvider("acme-sso", { trustEmail: false });
    expect((await db.oAuthProvider.findUniqueOrThrow({ where: { id: "acme-sso" } })).trustedEmailDomains).toEqual([]);
  });

  it("a database OIDC provider with trust on links; the same provider without it does not", async () => {
    overrideSettings({ signupEnabled: true, socialAuth: { enabled: true, envProviders: [] } });
    const created = await createOAuthProvider({
      id: "oidc",
      type: "oidc",
      displayName: "Test SSO",
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      issuer: oidc.issuer,
    });
    expect(created.ok).toBe(true);
    const user = await confirmedAccount("dana@corp.example");
    const refused = await signInWithProvider(oidc, { sub: "dana-1", email: "dana@corp.example", emailVerified: true });
    expect(refused.location).toBe(`${APP_ORIGIN}/oauth/error?error=oauth_account_not_linked`);
    await updateOAuthProvider("oidc", { trustEmail: true, trustedEmailDomains: ["corp.example"] });
    const linked = await signInWithProvider(oidc, { sub: "dana-1", email: "dana@corp.example", emailVerified: true });
    expect(linked.location).toBe(`${APP_ORIGIN}/oauth/complete`);
    expect(await db.oAuthAccount.count({ where: { userId: user.id } })).toBe(1);
  });
});
