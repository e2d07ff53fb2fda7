import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verify from "@/app/api/auth/verify/route";
import { decryptSecret, encryptSecret } from "@/lib/auth/encryption";
import { createOAuthProvider, loadEnabledProviders } from "@/lib/auth/oauth/providers";
import { reencryptSecrets } from "@/lib/auth/maintenance/reencryption";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { parseSecurityAuditArgs } from "@/scripts/lib/security-audit-args";
import { securityAuditCommand } from "@/scripts/lib/security-audit-command";
import { call, newClient } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { accessTokenFor, enrollTotp, freezeTime, startSecondFactorLogin, totpNow } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

/**
 * Key rotation end to end: secrets written under an old key, a new key put first, the
 * re-encryption command run, the old key removed — and every secret still opens and works.
 */

const oldKey = randomBytes(32);
const newKey = randomBytes(32);

function capture() {
  const chunks: string[] = [];
  return { stream: { write: (s: string) => chunks.push(s) }, text: () => chunks.join("") };
}

async function audit(argv: string[]) {
  const out = capture();
  const err = capture();
  const code = await securityAuditCommand(parseSecurityAuditArgs(argv), { stdout: out.stream, stderr: err.stream });
  return { code, out: out.text(), err: err.text() };
}

async function storedSecrets(): Promise<string[]> {
  const totp = await db.totpDevice.findMany({ orderBy: { userId: "asc" } });
  const providers = await db.oAuthProvider.findMany({ orderBy: { id: "asc" } });
  return [
    ...totp.flatMap((t) => [t.secretEncrypted, t.pendingSecretEncrypted]),
    ...providers.map((p) => p.clientSecretEncrypted),
  ].filter((v): v is string => v !== null);
}

/** Under the old key: one user enrolled through the API, one with a pending setup, extra rows and a provider. */
async function seedUnderOldKey() {
  freezeTime();
  overrideSettings({ encryptionKeys: [oldKey], socialAuth: { enabled: true } });
  const enrolledUser = await makeUser();
  const enrolled = await enrollTotp(enrolledUser);
  const pendingUser = await makeUser();
  const pending = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", {
    token: await accessTokenFor(pendingUser),
  });
  expect(pending.status).toBe(200);
  const extras: string[] = [];
  for (let i = 0; i < 5; i += 1) {
    const user = await makeUser();
    const secret = `EXTRASECRET${i}AAAAAAAAAAAAAAAAA`;
    extras.push(secret);
    await db.totpDevice.create({
      data: { userId: user.id, secretEncrypted: encryptSecret(secret, [oldKey]), confirmedAt: new Date() },
    });
  }
  await createOAuthProvider({
    id: "acme",
    type: "oidc",
    displayName: "Acme SSO",
    clientId: "acme-client",
    clientSecret: "acme-client-secret",
    issuer: "https://sso.acme.example",
  });
  return { enrolledUser, enrolled, pendingSecret: pending.json.secret as string, extras };
}

describe("security-audit --reencrypt", () => {
  it("moves every encrypted column to the new key in batches, so the old key can be removed", async () => {
    const seeded = await seedUnderOldKey();
    const before = await storedSecrets();
    expect(before).toHaveLength(8); // 6 TOTP secrets, 1 pending secret, 1 client secret

    settings.encryptionKeys = [newKey, oldKey];

    // Dry run: counts, changes nothing.
    const dry = await audit(["--reencrypt"]);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("dry run");
    expect(dry.out).toContain("TOTP secrets (totp_devices.secret_encrypted): 6 stored, 6 to re-encrypt");
    expect(dry.out).toContain(
      "pending TOTP secrets (totp_devices.pending_secret_encrypted): 1 stored, 1 to re-encrypt",
    );
    expect(dry.out).toContain(
      "OAuth client secrets (oauth_providers.client_secret_encrypted): 1 stored, 1 to re-encrypt",
    );
    expect(await storedSecrets()).toEqual(before);

    // Small batches: the 6 TOTP rows take three pages.
    const applied = await reencryptSecrets({ apply: true, batchSize: 2 });
    expect(applied.counts.totpSecrets).toEqual({ total: 6, stale: 6, changedMeanwhile: 0, unreadable: 0 });
    expect(applied.counts.pendingTotpSecrets).toEqual({ total: 1, stale: 1, changedMeanwhile: 0, unreadable: 0 });
    expect(applied.counts.oauthClientSecrets).toEqual({ total: 1, stale: 1, changedMeanwhile: 0, unreadable: 0 });
    const after = await storedSecrets();
    for (const [i, value] of after.entries()) expect(value).not.toBe(before[i]);

    // Idempotent: a second run finds nothing to do and changes nothing.
    const again = await audit(["--reencrypt", "--force"]);
    expect(again.code).toBe(0);
    expect(again.out).toContain("TOTP secrets (totp_devices.secret_encrypted): 6 stored, 0 re-encrypted");
    expect(again.out).toContain("can be removed");
    expect(await storedSecrets()).toEqual(after);

    // Retire the old key: every secret still opens, and the factors still work.
    settings.encryptionKeys = [newKey];
    for (const value of after) expect(() => decryptSecret(value)).not.toThrow();
    const extrasNow = await db.totpDevice.findMany({
      where: { user: { username: { notIn: [seeded.enrolledUser.username] } }, secretEncrypted: { not: null } },
    });
    expect(extrasNow.map((t) => decryptSecret(t.secretEncrypted ?? "")).sort()).toEqual([...seeded.extras].sort());
    const client = newClient();
    const pendingLogin = await startSecondFactorLogin(seeded.enrolledUser, client);
    const signedIn = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id: pendingLogin, totp_token: await totpNow(seeded.enrolled.secret) },
    });
    expect(signedIn.status).toBe(200);
    const pendingRow = await db.totpDevice.findFirstOrThrow({ where: { pendingSecretEncrypted: { not: null } } });
    expect(decryptSecret(pendingRow.pendingSecretEncrypted ?? "")).toBe(seeded.pendingSecret);
    expect((await loadEnabledProviders()).find((p) => p.id === "acme")?.clientSecret).toBe("acme-client-secret");
  });

  it("leaves a value no configured key opens untouched, says so and exits 3", async () => {
    overrideSettings({ encryptionKeys: [newKey] });
    const user = await makeUser();
    const lost = encryptSecret("LOSTKEYSECRETAAAAAAAAAAAAAAAAAA", [randomBytes(32)]);
    await db.totpDevice.create({ data: { userId: user.id, secretEncrypted: lost, confirmedAt: new Date() } });
    const run = await audit(["--reencrypt", "--force"]);
    expect(run.code).toBe(3);
    expect(run.out).toContain("1 UNREADABLE");
    expect(run.out).toContain("no key may be removed");
    expect((await db.totpDevice.findUniqueOrThrow({ where: { userId: user.id } })).secretEncrypted).toBe(lost);
  });

  it("refuses to mix with the report options", () => {
    expect(() => parseSecurityAuditArgs(["--reencrypt", "--cleanup"])).toThrow(/runs alone/);
    expect(parseSecurityAuditArgs(["--reencrypt"])).toMatchObject({ reencrypt: true, force: false });
  });
});
