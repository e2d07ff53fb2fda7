import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { parseSecurityAuditArgs } from "@/scripts/lib/security-audit-args";
import { securityAuditCommand } from "@/scripts/lib/security-audit-command";
import { overrideSettings } from "../helpers/settings";
import {
  addAuthSession,
  addBucket,
  addChallenge,
  addEvent,
  addEmailChange,
  addLoginSession,
  addMail,
  addOAuthSignIn,
  addResetToken,
  addTrustedDevice,
  countAllRows,
  daysAgo,
  daysAhead,
  giveApiKey,
  giveBackupCodes,
  givePasskey,
  giveTotp,
  seedUser,
} from "../helpers/security-seed";

function capture() {
  const chunks: string[] = [];
  return { stream: { write: (s: string) => chunks.push(s) }, text: () => chunks.join("") };
}

/** Rows cleanup must delete (`gone`) and rows it must keep (`kept`), by table. */
async function seed(now: Date) {
  const user = await seedUser();
  const minute = 60_000;

  const expiredLogin = await addLoginSession(user.id, {
    createdAt: daysAgo(now, 1),
    expiresAt: new Date(now.getTime() - minute),
  });
  const consumedExpiredLogin = await addLoginSession(user.id, {
    createdAt: daysAgo(now, 1),
    expiresAt: daysAgo(now, 1),
    consumedAt: daysAgo(now, 1),
  });
  const liveLogin = await addLoginSession(user.id, {
    createdAt: now,
    expiresAt: new Date(now.getTime() + 10 * minute),
  });

  const consumedChallenge = await addChallenge({
    userId: user.id,
    expiresAt: new Date(now.getTime() + 5 * minute),
    consumedAt: now,
  });
  const expiredChallenge = await addChallenge({ userId: user.id, expiresAt: new Date(now.getTime() - minute) });
  const orphanedChallenge = await addChallenge({
    loginSessionId: expiredLogin.id,
    expiresAt: new Date(now.getTime() + 5 * minute),
  });
  const liveChallenge = await addChallenge({
    loginSessionId: liveLogin.id,
    expiresAt: new Date(now.getTime() + 5 * minute),
  });

  await addBucket("ip:password:203.0.113.1", new Date(now.getTime() - minute));
  await addBucket("ip:password:203.0.113.2", new Date(now.getTime() + minute));

  const oldEvent = await addEvent("login.failed", { userId: user.id, at: daysAgo(now, 31) });
  const recentEvent = await addEvent("login.failed", { userId: user.id, at: daysAgo(now, 29) });

  const longRevokedKey = await giveApiKey(user.id, { createdAt: daysAgo(now, 200), revokedAt: daysAgo(now, 40) });
  const longExpiredKey = await giveApiKey(user.id, { createdAt: daysAgo(now, 200), expiresAt: daysAgo(now, 35) });
  const recentlyRevokedKey = await giveApiKey(user.id, { createdAt: daysAgo(now, 200), revokedAt: daysAgo(now, 5) });
  const recentlyExpiredKey = await giveApiKey(user.id, { createdAt: daysAgo(now, 200), expiresAt: daysAgo(now, 2) });
  const oldWorkingKey = await giveApiKey(user.id, { createdAt: daysAgo(now, 400) });

  const longRevokedSession = await addAuthSession(user.id, {
    expiresAt: daysAhead(now, 1),
    revokedAt: daysAgo(now, 60),
    refreshTokens: 2,
  });
  const longExpiredSession = await addAuthSession(user.id, { expiresAt: daysAgo(now, 31) });
  const recentlyRevokedSession = await addAuthSession(user.id, {
    expiresAt: daysAhead(now, 1),
    revokedAt: daysAgo(now, 1),
  });
  const liveSession = await addAuthSession(user.id, { expiresAt: daysAhead(now, 5) });

  const usedOAuth = await addOAuthSignIn(user.id, { expiresAt: new Date(now.getTime() + 5 * minute), consumedAt: now });
  const expiredOAuth = await addOAuthSignIn(user.id, { expiresAt: new Date(now.getTime() - minute) });
  const liveOAuth = await addOAuthSignIn(user.id, { expiresAt: new Date(now.getTime() + 5 * minute) });
  const usedReset = await addResetToken(user.id, { expiresAt: daysAhead(now, 1), usedAt: now });
  const liveReset = await addResetToken(user.id, { expiresAt: daysAhead(now, 1) });
  const expiredEmail = await addEmailChange(user.id, { expiresAt: daysAgo(now, 1) });
  const liveEmail = await addEmailChange(user.id, { expiresAt: daysAhead(now, 1) });
  const addVerification = (data: { expiresAt: Date; usedAt?: Date }) =>
    db.emailVerificationToken.create({
      data: {
        userId: user.id,
        email: user.email,
        tokenHash: randomBytes(32).toString("hex"),
        createdAt: daysAgo(now, 2),
        ...data,
      },
    });
  const usedVerification = await addVerification({ expiresAt: daysAhead(now, 1), usedAt: now });
  const liveVerification = await addVerification({ expiresAt: daysAhead(now, 1) });
  const longRevokedDevice = await addTrustedDevice(user.id, {
    expiresAt: daysAhead(now, 10),
    revokedAt: daysAgo(now, 45),
  });
  const recentlyExpiredDevice = await addTrustedDevice(user.id, { expiresAt: daysAgo(now, 3) });
  const oldMail = await addMail({ createdAt: daysAgo(now, 31) });
  const recentMail = await addMail({ createdAt: daysAgo(now, 1) });

  // Working factors, however stale, are never touched (django-lokdown deleted 90-day-old passkeys).
  await givePasskey(user.id, { lastUsedAt: daysAgo(now, 400), createdAt: daysAgo(now, 500) });
  await giveTotp(user.id);
  await giveBackupCodes(user.id, 3, 5);

  return {
    gone: {
      loginSessions: [expiredLogin.id, consumedExpiredLogin.id],
      challenges: [consumedChallenge.id, expiredChallenge.id, orphanedChallenge.id],
      events: [oldEvent.id],
      apiKeys: [longRevokedKey.id, longExpiredKey.id],
      authSessions: [longRevokedSession.id, longExpiredSession.id],
      oauthSignIns: [usedOAuth.id, expiredOAuth.id],
      resetTokens: [usedReset.id],
      emailChanges: [expiredEmail.id],
      verifications: [usedVerification.id],
      trustedDevices: [longRevokedDevice.id],
      mail: [oldMail.id],
    },
    kept: {
      loginSessions: [liveLogin.id],
      challenges: [liveChallenge.id],
      events: [recentEvent.id],
      apiKeys: [recentlyRevokedKey.id, recentlyExpiredKey.id, oldWorkingKey.id],
      authSessions: [recentlyRevokedSession.id, liveSession.id],
      oauthSignIns: [liveOAuth.id],
      resetTokens: [liveReset.id],
      emailChanges: [liveEmail.id],
      verifications: [liveVerification.id],
      trustedDevices: [recentlyExpiredDevice.id],
      mail: [recentMail.id],
    },
  };
}

const EXPECTED = {
  expiredLoginSessions: 2,
  spentWebAuthnChallenges: 3,
  expiredRateLimitBuckets: 1,
  oldSecurityEvents: 1,
  deadApiKeys: 2,
  deadAuthSessions: 2,
  refreshTokensOfDeadSessions: 3,
  spentOAuthSignIns: 2,
  spentPasswordResetTokens: 1,
  spentEmailChanges: 1,
  spentEmailVerifications: 1,
  deadTrustedDevices: 1,
  oldMailMessages: 1,
};
const EXPECTED_TOTAL = 21;

describe("security-audit --cleanup", () => {
  it("a dry run reports what it would delete and deletes nothing", async () => {
    overrideSettings({ auditRetentionDays: 30 });
    const now = new Date();
    await seed(now);
    const before = await countAllRows();
    const out = capture();
    await securityAuditCommand(
      parseSecurityAuditArgs(["--cleanup"]),
      { stdout: out.stream, stderr: capture().stream },
      now,
    );
    expect(await countAllRows()).toEqual(before);
    expect(out.text()).toContain("Cleanup, dry run: nothing deleted");
    expect(out.text()).toContain("Would delete 2 expired pending logins");
    expect(out.text()).toContain("Would delete 3 used or expired WebAuthn challenges");
    expect(out.text()).toContain(`Would delete ${EXPECTED_TOTAL} row(s) in all`);
  });

  it("--force deletes exactly the dead rows, in every table, and no working factor", async () => {
    overrideSettings({ auditRetentionDays: 30 });
    const now = new Date();
    const { gone, kept } = await seed(now);
    const before = await countAllRows();
    const out = capture();
    await securityAuditCommand(
      parseSecurityAuditArgs(["--cleanup", "--force"]),
      { stdout: out.stream, stderr: capture().stream },
      now,
    );
    const after = await countAllRows();

    expect(out.text()).toContain("Deleted 2 expired pending logins");
    expect(out.text()).toContain(`Deleted ${EXPECTED_TOTAL} row(s) in all`);
    const removed = Object.fromEntries(
      Object.keys(before)
        .map((t) => [t, (before[t] ?? 0) - (after[t] ?? 0)])
        .filter(([, n]) => n !== 0),
    );
    expect(removed).toEqual({
      login_sessions: EXPECTED.expiredLoginSessions,
      webauthn_challenges: EXPECTED.spentWebAuthnChallenges,
      rate_limit_buckets: EXPECTED.expiredRateLimitBuckets,
      security_events: EXPECTED.oldSecurityEvents,
      api_keys: EXPECTED.deadApiKeys,
      auth_sessions: EXPECTED.deadAuthSessions,
      refresh_tokens: EXPECTED.refreshTokensOfDeadSessions,
      oauth_sign_ins: EXPECTED.spentOAuthSignIns,
      password_reset_tokens: EXPECTED.spentPasswordResetTokens,
      email_change_requests: EXPECTED.spentEmailChanges,
      email_verification_tokens: EXPECTED.spentEmailVerifications,
      trusted_devices: EXPECTED.deadTrustedDevices,
      mail_messages: EXPECTED.oldMailMessages,
    });

    expect(await db.loginSession.count({ where: { id: { in: gone.loginSessions } } })).toBe(0);
    expect(await db.loginSession.count({ where: { id: { in: kept.loginSessions } } })).toBe(kept.loginSessions.length);
    expect(await db.webAuthnChallenge.count({ where: { id: { in: gone.challenges } } })).toBe(0);
    expect(await db.webAuthnChallenge.count({ where: { id: { in: kept.challenges } } })).toBe(kept.challenges.length);
    expect(await db.securityEvent.count({ where: { id: { in: gone.events } } })).toBe(0);
    expect(await db.securityEvent.count({ where: { id: { in: kept.events } } })).toBe(kept.events.length);
    expect(await db.apiKey.count({ where: { id: { in: gone.apiKeys } } })).toBe(0);
    expect(await db.apiKey.count({ where: { id: { in: kept.apiKeys } } })).toBe(kept.apiKeys.length);
    expect(await db.authSession.count({ where: { id: { in: gone.authSessions } } })).toBe(0);
    expect(await db.authSession.count({ where: { id: { in: kept.authSessions } } })).toBe(kept.authSessions.length);
    expect(await db.oAuthSignIn.findMany({ select: { id: true } })).toEqual(kept.oauthSignIns.map((id) => ({ id })));
    expect(await db.passwordResetToken.findMany({ select: { id: true } })).toEqual(
      kept.resetTokens.map((id) => ({ id })),
    );
    expect(await db.emailChangeRequest.findMany({ select: { id: true } })).toEqual(
      kept.emailChanges.map((id) => ({ id })),
    );
    expect(await db.emailVerificationToken.findMany({ select: { id: true } })).toEqual(
      kept.verifications.map((id) => ({ id })),
    );
    expect(await db.trustedDevice.findMany({ select: { id: true } })).toEqual(
      kept.trustedDevices.map((id) => ({ id })),
    );
    expect(await db.mailMessage.findMany({ select: { id: true } })).toEqual(kept.mail.map((id) => ({ id })));
    expect(await db.rateLimitBucket.findMany({ select: { key: true } })).toEqual([{ key: "ip:password:203.0.113.2" }]);
    expect(after.passkey_credentials).toBe(1);
    expect(after.totp_devices).toBe(1);
    expect(after.backup_codes).toBe(8);

    // Nothing left to do: a second run deletes nothing.
    const again = capture();
    await securityAuditCommand(
      parseSecurityAuditArgs(["--cleanup", "--force"]),
      { stdout: again.stream, stderr: capture().stream },
      now,
    );
    expect(again.text()).toContain("Deleted 0 row(s) in all");
  });

  it("uses LOKDOWN_AUDIT_RETENTION_DAYS (default 90): with 90 days the month-old rows stay", async () => {
    const now = new Date();
    await seed(now);
    const out = capture();
    await securityAuditCommand(
      parseSecurityAuditArgs(["--cleanup"]),
      { stdout: out.stream, stderr: capture().stream },
      now,
    );
    expect(out.text()).toContain("retention 90 days");
    expect(out.text()).toContain("Would delete 0 security events past retention");
    expect(out.text()).toContain("Would delete 0 API keys revoked or expired before the retention cutoff");
  });

  it("warns that --force alone does nothing", async () => {
    const before = await countAllRows();
    const err = capture();
    await securityAuditCommand(parseSecurityAuditArgs(["--force"]), { stdout: capture().stream, stderr: err.stream });
    expect(err.text()).toContain("--force has no effect without --cleanup");
    expect(await countAllRows()).toEqual(before);
  });
});
