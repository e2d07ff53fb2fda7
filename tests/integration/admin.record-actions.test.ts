import { describe, expect, it, vi } from "vitest";
import * as apiKeyActions from "@/app/admin/api-keys/actions";
import * as loginSessionActions from "@/app/admin/login-sessions/actions";
import * as oauthActions from "@/app/admin/oauth-providers/actions";
import * as sessionActions from "@/app/admin/sessions/actions";
import * as userActions from "@/app/admin/users/actions";
import DashboardPage from "@/app/admin/page";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { authenticateApiKey, generateApiKey, hashApiKeySecret } from "@/lib/auth/api-access/api-keys";
import { consumeBackupCode, replaceBackupCodes } from "@/lib/auth/two-factor/backup-codes";
import { AMR } from "@/lib/auth/policy/amr";
import { enableApiKeys } from "../helpers/api-keys";
import { snapshotCounts } from "../helpers/db";
import { outcome } from "../helpers/next-request";
import { addLoginSession, giveBackupCodes, givePasskey, giveTotp } from "../helpers/security-seed";
import { overrideSettings } from "../helpers/settings";
import { makeUser, PASSWORD } from "../helpers/users";
import { PASSWORD_ONLY, signInBrowser, WITH_MFA } from "../helpers/admin";
import { ageProofs } from "../helpers/step-up";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

const form = (fields: Record<string, string | string[]>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) f.append(k, value);
  return f;
};

/** A signed-in admin (a staff superuser, 2FA in this session, fresh), and a target user with factors and a session. */
async function adminAndTarget() {
  const admin = await makeUser({ staff: true, superuser: true });
  const target = await makeUser();
  await giveTotp(target.id);
  await givePasskey(target.id);
  await giveBackupCodes(target.id, 6, 2);
  await signInBrowser(target.id, WITH_MFA);
  const { sessionId } = await signInBrowser(admin.id, WITH_MFA);
  return { admin, target, adminSession: sessionId };
}

async function keyFor(userId: number) {
  const fresh = generateApiKey();
  const row = await db.apiKey.create({
    data: { userId, name: "ci", prefix: fresh.lookup, secretHash: hashApiKeySecret(fresh.secret) },
  });
  return { id: row.id, key: fresh.key };
}

describe("user actions", () => {
  it("reset 2FA needs a reason, removes every factor, ends the user's sessions and logs who and why", async () => {
    const { admin, target } = await adminAndTarget();
    const before = await snapshotCounts();
    const noReason = await userActions.resetTwoFactorAction({}, form({ user_id: String(target.id), reason: "  " }));
    expect(noReason.fieldErrors?.reason?.[0]).toMatch(/reason/i);
    expect(await snapshotCounts()).toEqual(before);

    const done = await userActions.resetTwoFactorAction(
      {},
      form({ user_id: String(target.id), reason: "Lost phone, ticket #4711" }),
    );
    expect(done.done).toMatch(/reset/);
    expect(await db.totpDevice.count({ where: { userId: target.id } })).toBe(0);
    expect(await db.passkeyCredential.count({ where: { userId: target.id } })).toBe(0);
    expect(await db.backupCode.count({ where: { userId: target.id } })).toBe(0);
    expect(await db.authSession.count({ where: { userId: target.id, revokedAt: null } })).toBe(0);
    const event = await db.securityEvent.findFirstOrThrow({ where: { type: "admin.2fa_reset", userId: target.id } });
    expect(event.details).toMatchObject({
      by: admin.id,
      by_username: admin.username,
      reason: "Lost phone, ticket #4711",
      totp: 1,
      passkeys: 1,
      backup_codes: 8,
    });
  });

  it("never acts on the admin's own account", async () => {
    const { admin } = await adminAndTarget();
    await giveTotp(admin.id);
    const result = await userActions.resetTwoFactorAction(
      {},
      form({ user_id: String(admin.id), reason: "oops, myself" }),
    );
    expect(result.error).toBe("Use your own security page for your own account");
    expect(await db.totpDevice.count({ where: { userId: admin.id } })).toBe(1);
    expect(
      (await userActions.setActiveAction({}, form({ user_id: String(admin.id), active: "false" }))).error,
    ).toBeDefined();
    expect(
      (await userActions.setStaffAction({}, form({ user_id: String(admin.id), staff: "false" }))).error,
    ).toBeDefined();
    expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).isStaff).toBe(true);
  });

  it("asks for a second factor again once the admin's last proof is older than LOKDOWN_STEP_UP_MINUTES (the password is not enough)", async () => {
    const { admin, target, adminSession } = await adminAndTarget();
    const codes = await replaceBackupCodes(db, admin.id);
    await ageProofs({ id: adminSession }, new Date(Date.now() - (settings.stepUpMinutes + 1) * 60_000));
    const refused = await userActions.setStaffAction({}, form({ user_id: String(target.id), staff: "true" }));
    expect(refused.fieldErrors?.step_up).toBeDefined();
    expect(refused.code).toBe("second_factor_required");
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).isStaff).toBe(false);
    const password = await userActions.setStaffAction(
      {},
      form({ user_id: String(target.id), staff: "true", password: PASSWORD }),
    );
    expect(password.code).toBe("second_factor_required");
    const wrong = await userActions.setStaffAction(
      {},
      form({ user_id: String(target.id), staff: "true", backup_code: "NOTACODE00" }),
    );
    expect(wrong.error).toBe("Invalid password or code");
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).isStaff).toBe(false);
    const ok = await userActions.setStaffAction(
      {},
      form({ user_id: String(target.id), staff: "true", backup_code: codes[0] ?? "" }),
    );
    expect(ok.done).toMatch(/staff/i);
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).isStaff).toBe(true);
  });

  it("a user made staff reaches the admin area only after a second factor in their own session", async () => {
    const { target } = await adminAndTarget();
    await userActions.setStaffAction({}, form({ user_id: String(target.id), staff: "true" }));
    await signInBrowser(target.id, PASSWORD_ONLY);
    expect(await outcome(() => DashboardPage({ searchParams: Promise.resolve({}) }))).toEqual({
      kind: "redirect",
      url: "/admin/verify?next=%2Fadmin",
    });
    await signInBrowser(target.id, [AMR.password, AMR.totp, AMR.multiFactor]);
    expect((await outcome(() => DashboardPage({ searchParams: Promise.resolve({}) }))).kind).toBe("returned");
  });

  it("deactivating ends sessions and stops API keys; activating lets the user back", async () => {
    enableApiKeys();
    const { target } = await adminAndTarget();
    const key = await keyFor(target.id);
    expect((await authenticateApiKey(key.key)).ok).toBe(true);
    const off = await userActions.setActiveAction({}, form({ user_id: String(target.id), active: "false" }));
    expect(off.done).toMatch(/deactivated/);
    expect(await db.authSession.count({ where: { userId: target.id, revokedAt: null } })).toBe(0);
    expect(await authenticateApiKey(key.key)).toMatchObject({ ok: false, code: "api_key_invalid" });
    expect(await db.securityEvent.count({ where: { type: "admin.user_deactivated", userId: target.id } })).toBe(1);
    await userActions.setActiveAction({}, form({ user_id: String(target.id), active: "true" }));
    expect((await authenticateApiKey(key.key)).ok).toBe(true);
  });

  it("regenerated backup codes are shown once to the admin, work for the user, and replace the old ones (W15)", async () => {
    const { target } = await adminAndTarget();
    const result = await userActions.regenerateBackupCodesAction(
      {},
      form({ user_id: String(target.id), reason: "User printed codes lost" }),
    );
    expect(result.codesFor).toBe(target.username);
    expect(result.codes).toHaveLength(settings.backupCodes.count);
    expect(await db.backupCode.count({ where: { userId: target.id, usedAt: null } })).toBe(settings.backupCodes.count);
    expect(await consumeBackupCode(db, target.id, result.codes?.[0] ?? "")).toBe(true);
    expect(await db.securityEvent.count({ where: { type: "admin.backup_codes_regenerated", userId: target.id } })).toBe(
      1,
    );

    const plain = await makeUser();
    const refused = await userActions.regenerateBackupCodesAction(
      {},
      form({ user_id: String(plain.id), reason: "no factor here" }),
    );
    expect(refused.error).toBe("Enable TOTP or a passkey before generating backup codes");
    expect(await db.backupCode.count({ where: { userId: plain.id } })).toBe(0);
  });

  it("unknown users read as not found", async () => {
    await adminAndTarget();
    expect((await userActions.setStaffAction({}, form({ user_id: "999999", staff: "true" }))).error).toBe(
      "User not found",
    );
    expect((await userActions.setStaffAction({}, form({ user_id: "nonsense", staff: "true" }))).error).toBe(
      "User not found",
    );
  });
});

describe("bulk actions on records", () => {
  it("revoke selected API keys, whoever owns them", async () => {
    enableApiKeys();
    const { target } = await adminAndTarget();
    const a = await keyFor(target.id);
    const b = await keyFor(target.id);
    const result = await outcome(() =>
      apiKeyActions.revokeApiKeysAction(
        form({ ids: [String(a.id), "junk"], return_to: "/admin/api-keys?status=active" }),
      ),
    );
    expect(result).toEqual({ kind: "redirect", url: "/admin/api-keys?status=active&notice=api_keys_revoked&n=1" });
    expect(await authenticateApiKey(a.key)).toMatchObject({ ok: false });
    expect((await authenticateApiKey(b.key)).ok).toBe(true);
    expect(
      await outcome(() => apiKeyActions.revokeApiKeysAction(form({ return_to: "https://evil.example/" }))),
    ).toEqual({ kind: "redirect", url: "/admin?notice=none_selected" });
  });

  it("expire selected pending logins and delete expired ones", async () => {
    const { target } = await adminAndTarget();
    const now = Date.now();
    const open = await addLoginSession(target.id, {
      createdAt: new Date(now - 60_000),
      expiresAt: new Date(now + 600_000),
    });
    const old = await addLoginSession(target.id, {
      createdAt: new Date(now - 3_600_000),
      expiresAt: new Date(now - 600_000),
    });
    expect(
      await outcome(() =>
        loginSessionActions.expireLoginSessionsAction(form({ ids: open.id, return_to: "/admin/login-sessions" })),
      ),
    ).toEqual({
      kind: "redirect",
      url: "/admin/login-sessions?notice=login_sessions_expired&n=1",
    });
    expect(
      (await db.loginSession.findUniqueOrThrow({ where: { id: open.id } })).expiresAt.getTime(),
    ).toBeLessThanOrEqual(Date.now());
    expect(
      await outcome(() =>
        loginSessionActions.deleteExpiredLoginSessionsAction(form({ return_to: "/admin/login-sessions" })),
      ),
    ).toEqual({
      kind: "redirect",
      url: "/admin/login-sessions?notice=login_sessions_deleted&n=2",
    });
    expect(await db.loginSession.count({ where: { id: { in: [open.id, old.id] } } })).toBe(0);
  });

  it("revoke selected signed-in sessions", async () => {
    const { target } = await adminAndTarget();
    const theirs = await db.authSession.findFirstOrThrow({ where: { userId: target.id, revokedAt: null } });
    const result = await outcome(() =>
      sessionActions.revokeSessionsAction(form({ ids: theirs.id, return_to: "/admin/sessions" })),
    );
    expect(result).toEqual({ kind: "redirect", url: "/admin/sessions?notice=sessions_revoked&n=1" });
    expect((await db.authSession.findUniqueOrThrow({ where: { id: theirs.id } })).revokedReason).toBe("admin");
  });
});

describe("OAuth providers", () => {
  it("store the client secret encrypted, never show it, and keep it when the edit leaves it blank", async () => {
    overrideSettings({ socialAuth: { envProviders: [] } });
    await adminAndTarget();
    const created = await outcome(() =>
      oauthActions.createProviderAction(
        {},
        form({
          id: "acme-sso",
          type: "oidc",
          display_name: "Acme SSO",
          client_id: "acme",
          client_secret: "very-secret-value",
          issuer: "https://login.acme.example",
          enabled: "on",
        }),
      ),
    );
    expect(created).toEqual({ kind: "redirect", url: "/admin/oauth-providers?notice=provider_created" });
    const row = await db.oAuthProvider.findUniqueOrThrow({ where: { id: "acme-sso" } });
    expect(row.clientSecretEncrypted).not.toContain("very-secret-value");
    const edited = await outcome(() =>
      oauthActions.updateProviderAction(
        {},
        form({
          id: "acme-sso",
          type: "oidc",
          display_name: "Acme",
          client_id: "acme",
          client_secret: "",
          issuer: "https://login.acme.example",
        }),
      ),
    );
    expect(edited).toEqual({ kind: "redirect", url: "/admin/oauth-providers?notice=provider_updated" });
    const after = await db.oAuthProvider.findUniqueOrThrow({ where: { id: "acme-sso" } });
    expect(after.clientSecretEncrypted).toBe(row.clientSecretEncrypted);
    expect(after).toMatchObject({ displayName: "Acme", enabled: false });

    const bad = await oauthActions.createProviderAction(
      {},
      form({ id: "Bad Id!", type: "github", display_name: "x", client_id: "x", client_secret: "s" }),
    );
    expect(bad.error).toBeDefined();
    expect(JSON.stringify(bad)).not.toContain('"s"');
  });
});
