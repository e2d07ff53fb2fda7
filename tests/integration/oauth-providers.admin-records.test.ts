import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { decryptSecret } from "@/lib/auth/encryption";
import {
  createOAuthProvider,
  deleteOAuthProvider,
  listOAuthProviders,
  loadEnabledProviders,
  setOAuthProviderEnabled,
  updateOAuthProvider,
} from "@/lib/auth/oauth/providers";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";

const acme = {
  id: "acme-sso",
  type: "oidc",
  displayName: "Acme SSO",
  clientId: "acme-client",
  clientSecret: "s3cret-value-for-acme",
  issuer: "https://sso.acme.example",
};

describe("provider records configured in the admin area", () => {
  it("stores the client secret encrypted and never returns it", async () => {
    overrideSettings({ socialAuth: { enabled: true, envProviders: [] } });
    const created = await createOAuthProvider(acme);
    expect(created.ok).toBe(true);
    const row = await db.oAuthProvider.findUniqueOrThrow({ where: { id: "acme-sso" } });
    expect(row.clientSecretEncrypted).not.toContain("s3cret");
    expect(decryptSecret(row.clientSecretEncrypted)).toBe("s3cret-value-for-acme");
    const listed = await listOAuthProviders();
    expect(JSON.stringify(listed)).not.toContain("s3cret");
    expect(JSON.stringify(created)).not.toContain("s3cret");
    expect(listed[0]).toMatchObject({
      id: "acme-sso",
      source: "database",
      readOnly: false,
      redirectUri: "http://localhost:3000/api/nextauth/callback/acme-sso",
    });
  });

  it("keeps the stored secret when an update leaves it blank, and replaces it when given", async () => {
    overrideSettings({ socialAuth: { enabled: true, envProviders: [] } });
    await createOAuthProvider(acme);
    await updateOAuthProvider("acme-sso", { displayName: "Acme", clientSecret: "" });
    expect((await loadEnabledProviders())[0]).toMatchObject({
      displayName: "Acme",
      clientSecret: "s3cret-value-for-acme",
    });
    await updateOAuthProvider("acme-sso", { clientSecret: "rotated-secret" });
    expect((await loadEnabledProviders())[0]?.clientSecret).toBe("rotated-secret");
  });

  it("validates ids, types and issuers", async () => {
    overrideSettings({ socialAuth: { enabled: true, envProviders: [] } });
    const bad = [
      { ...acme, id: "Bad Id" },
      { ...acme, type: "saml" },
      { ...acme, issuer: "http://sso.acme.example" },
      { ...acme, issuer: null },
      { ...acme, id: "gh", type: "github", issuer: "https://github.com" },
      { ...acme, clientSecret: "" },
      { ...acme, displayName: " " },
    ];
    for (const input of bad) {
      const result = await createOAuthProvider(input);
      expect(result.ok, JSON.stringify(input)).toBe(false);
    }
    expect(await db.oAuthProvider.count()).toBe(0);
    expect((await createOAuthProvider({ ...acme, issuer: "http://127.0.0.1:9999" })).ok).toBe(true);
    const duplicate = await createOAuthProvider(acme);
    expect(duplicate.ok || duplicate.code).toBe("oauth_provider_exists");
  });

  it("shows environment providers as read-only and refuses to shadow or change them", async () => {
    overrideSettings({
      socialAuth: {
        enabled: true,
        envProviders: [
          {
            id: "github",
            type: "github",
            displayName: "GitHub",
            clientId: "env-id",
            clientSecret: "env-secret",
            issuer: null,
          },
        ],
      },
    });
    const listed = await listOAuthProviders();
    expect(listed).toMatchObject([
      { id: "github", source: "environment", readOnly: true, enabled: true, clientId: "env-id" },
    ]);
    expect(JSON.stringify(listed)).not.toContain("env-secret");
    const shadow = await createOAuthProvider({ ...acme, id: "github", type: "github", issuer: null });
    expect(shadow.ok || shadow.code).toBe("oauth_provider_exists");
    for (const result of [
      await updateOAuthProvider("github", { displayName: "x" }),
      await setOAuthProviderEnabled("github", false),
      await deleteOAuthProvider("github"),
    ]) {
      expect(result.ok || result.code).toBe("oauth_provider_read_only");
    }
  });

  it("locks the issuer while accounts are linked (another issuer's subject ids could match)", async () => {
    overrideSettings({ socialAuth: { enabled: true, envProviders: [] } });
    await createOAuthProvider(acme);
    const user = await makeUser();
    await db.oAuthAccount.create({ data: { userId: user.id, provider: "acme-sso", providerAccountId: "1234" } });
    const moved = await updateOAuthProvider("acme-sso", { issuer: "https://other.example" });
    expect(moved.ok || moved.code).toBe("oauth_issuer_locked");
    expect((await updateOAuthProvider("acme-sso", { displayName: "Renamed" })).ok).toBe(true);
    expect((await listOAuthProviders())[0]?.linkedAccounts).toBe(1);
  });

  it("offers nothing while the switch is off, and only enabled rows while it is on", async () => {
    overrideSettings({ socialAuth: { enabled: true, envProviders: [] } });
    await createOAuthProvider(acme);
    await createOAuthProvider({ ...acme, id: "second" });
    await setOAuthProviderEnabled("second", false);
    expect((await loadEnabledProviders()).map((p) => p.id)).toEqual(["acme-sso"]);
    overrideSettings({ socialAuth: { enabled: false } });
    expect(await loadEnabledProviders()).toEqual([]);
  });

  it("records who changed a provider in the audit log, without the secret", async () => {
    overrideSettings({ socialAuth: { enabled: true, envProviders: [] } });
    const admin = await makeUser({ staff: true });
    await createOAuthProvider(acme, { userId: admin.id });
    await setOAuthProviderEnabled("acme-sso", false, { userId: admin.id });
    await deleteOAuthProvider("acme-sso", { userId: admin.id });
    const events = await db.securityEvent.findMany({
      where: { userId: admin.id, type: { startsWith: "oauth_provider." } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual([
      "oauth_provider.created",
      "oauth_provider.updated",
      "oauth_provider.deleted",
    ]);
    expect(JSON.stringify(events.map((e) => e.details))).not.toContain("s3cret");
  });
});
