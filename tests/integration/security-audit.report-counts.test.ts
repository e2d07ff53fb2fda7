import { describe, expect, it } from "vitest";
import { buildSecurityReport } from "@/lib/auth/maintenance/security-report";
import { parseSecurityAuditArgs } from "@/scripts/lib/security-audit-args";
import { securityAuditCommand } from "@/scripts/lib/security-audit-command";
import {
  addAuthSession,
  addEvent,
  addLoginSession,
  daysAgo,
  daysAhead,
  giveApiKey,
  giveBackupCodes,
  givePasskey,
  giveTotp,
  seedUser,
} from "../helpers/security-seed";

function capture(isTTY = false) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (s: string) => chunks.push(s) }, text: () => chunks.join("") };
}

/** A database with every combination the old command miscounted (django-lokdown W21). */
async function seed(now: Date) {
  const totpOnly = await seedUser();
  await giveTotp(totpOnly.id);
  await giveBackupCodes(totpOnly.id, 2);

  const passkeyOnly = await seedUser();
  await givePasskey(passkeyOnly.id, { lastUsedAt: daysAgo(now, 100) });
  await giveBackupCodes(passkeyOnly.id, 0, 3);

  const both = await seedUser();
  await giveTotp(both.id);
  await givePasskey(both.id, { lastUsedAt: daysAgo(now, 1) });
  await givePasskey(both.id, { createdAt: daysAgo(now, 120) });
  await giveBackupCodes(both.id, 1, 1);

  const pendingTotp = await seedUser();
  await giveTotp(pendingTotp.id, { pendingOnly: true });
  await seedUser();

  const staffNoFactor = await seedUser({ staff: true });
  const staffTotp = await seedUser({ staff: true });
  await giveTotp(staffTotp.id);

  const inactive = await seedUser({ active: false });
  await giveTotp(inactive.id);

  for (let i = 0; i < 3; i++) await addEvent("totp.failed", { ip: "203.0.113.7", at: daysAgo(now, 2) });
  for (let i = 0; i < 2; i++) await addEvent("backup_code.failed", { ip: "203.0.113.7", at: daysAgo(now, 3) });
  await addEvent("passkey.failed", { ip: "198.51.100.2", at: daysAgo(now, 1) });
  await addEvent("login.2fa_failed", { ip: null, at: daysAgo(now, 1) });
  for (let i = 0; i < 4; i++) await addEvent("login.failed", { ip: "198.51.100.2", at: daysAgo(now, 5) });
  await addEvent("login.succeeded", { ip: "198.51.100.2", at: daysAgo(now, 1) });
  for (let i = 0; i < 5; i++) await addEvent("totp.failed", { ip: "192.0.2.1", at: daysAgo(now, 40) });

  await giveApiKey(totpOnly.id, { createdAt: now });
  await giveApiKey(totpOnly.id, { createdAt: daysAgo(now, 50), lastUsedAt: daysAgo(now, 40) });
  await giveApiKey(totpOnly.id, { createdAt: daysAgo(now, 45) });
  await giveApiKey(totpOnly.id, {
    createdAt: daysAgo(now, 10),
    lastUsedAt: daysAgo(now, 1),
    expiresAt: daysAhead(now, 3),
  });
  await giveApiKey(totpOnly.id, { createdAt: daysAgo(now, 10), expiresAt: daysAgo(now, 2) });
  await giveApiKey(totpOnly.id, { createdAt: daysAgo(now, 10), revokedAt: daysAgo(now, 1) });

  await addLoginSession(totpOnly.id, { createdAt: now, expiresAt: daysAhead(now, 1) });
  await addLoginSession(totpOnly.id, { createdAt: daysAgo(now, 1), expiresAt: daysAhead(now, 1), consumedAt: now });
  await addLoginSession(totpOnly.id, { createdAt: daysAgo(now, 40), expiresAt: daysAgo(now, 40) });
  await addAuthSession(totpOnly.id, { expiresAt: daysAhead(now, 5) });
  await addAuthSession(totpOnly.id, { expiresAt: daysAhead(now, 5), revokedAt: daysAgo(now, 1) });
  await addAuthSession(totpOnly.id, { expiresAt: daysAgo(now, 1) });

  return { staffNoFactor };
}

describe("security-audit report counts users, not rows", () => {
  it("counts passkey-only users, users with used-up codes, staff without 2FA, failures by IP and API-key states", async () => {
    const now = new Date();
    const { staffNoFactor } = await seed(now);
    const report = await buildSecurityReport({ days: 30, now });

    expect(report.users).toEqual({
      active: 7,
      inactive: 1,
      withTwoFactor: 4,
      adoptionPercent: 57.1,
      withTotp: 3,
      withPasskey: 2,
      withBoth: 1,
      passkeyOnly: 1,
      staff: 2,
      staffWithoutTwoFactor: 1,
      staffWithoutTwoFactorNames: [staffNoFactor.username],
      twoFactorWithoutBackupCodes: 2,
    });
    expect(report.activity).toEqual({
      loginSessionsStarted: 2,
      pendingLoginSessions: 1,
      activeSessions: 1,
      failedSecondFactor: 7,
      failedSecondFactorByType: {
        "totp.failed": 3,
        "backup_code.failed": 2,
        "passkey.failed": 1,
        "login.2fa_failed": 1,
      },
      failedPasswords: 4,
      failedByIp: [
        { ip: "198.51.100.2", secondFactor: 1, password: 4, total: 5 },
        { ip: "203.0.113.7", secondFactor: 5, password: 0, total: 5 },
        { ip: "unknown", secondFactor: 1, password: 0, total: 1 },
      ],
    });
    expect(report.apiKeys).toEqual({
      active: 4,
      neverUsed: 2,
      unusedInWindow: 2,
      expiringSoon: 1,
      expired: 1,
      revoked: 1,
    });
    expect(report.passkeys).toEqual({ total: 3, unusedFor90Days: 2 });
    // 50·4/7 + 30·1/2 + 20·2/4 − 7/5
    expect(report.score.value).toBe(52.2);
    expect(report.alerts.map((a) => a.code).sort()).toEqual(
      [
        "2fa_without_backup_codes",
        "api_keys_expiring",
        "stale_passkeys",
        "staff_without_2fa",
        "unused_api_keys",
      ].sort(),
    );
  });

  it("widens the activity window with --days and raises the high-failure alert past 10", async () => {
    const now = new Date();
    await seed(now);
    const report = await buildSecurityReport({ days: 60, now });
    expect(report.activity.failedSecondFactor).toBe(12);
    expect(report.activity.failedByIp[0]).toEqual({ ip: "192.0.2.1", secondFactor: 5, password: 0, total: 5 });
    expect(report.alerts.find((a) => a.code === "high_failed_attempts")).toMatchObject({
      level: "critical",
      count: 12,
    });
  });

  it("prints every section, exits 3 on alerts, and draws progress only on a terminal", async () => {
    const now = new Date();
    await seed(now);
    const out = capture();
    const tty = capture(true);
    const code = await securityAuditCommand(
      parseSecurityAuditArgs(["--days", "30"]),
      { stdout: out.stream, stderr: tty.stream },
      now,
    );
    expect(code).toBe(3);
    const text = out.text();
    for (const heading of [
      "Users (active accounts)",
      "Recent activity (last 30 days)",
      "API keys",
      "Passkeys",
      "Security score: 52.2/100",
      "Alerts",
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toMatch(/Passkey only:\s+1\n/);
    expect(text).toMatch(/2FA enabled:\s+4 \(57\.1% adoption\)/);
    expect(text).toMatch(/203\.0\.113\.7\s+5\s+0\s+5/);
    expect(text).toContain("[critical] 1 staff account(s) have no second factor");
    expect(text).not.toContain("Cleanup");
    expect(tty.text()).toContain("[#");
    expect(tty.text().endsWith("\r\x1b[K")).toBe(true);

    const quiet = capture(false);
    await securityAuditCommand(parseSecurityAuditArgs([]), { stdout: capture().stream, stderr: quiet.stream }, now);
    expect(quiet.text()).toBe("");
  });

  it("exits 0 with no alerts on a healthy database", async () => {
    const user = await seedUser();
    await giveTotp(user.id);
    await giveBackupCodes(user.id, 8);
    const out = capture();
    const code = await securityAuditCommand(parseSecurityAuditArgs([]), {
      stdout: out.stream,
      stderr: capture().stream,
    });
    expect(code).toBe(0);
    expect(out.text()).toContain("No alerts.");
    expect(out.text()).toContain("Security score: 100.0/100");
  });
});
