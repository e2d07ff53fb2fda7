import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { loadDashboard } from "@/lib/auth/admin/dashboard";
import { addEvent, addLoginSession, giveBackupCodes, givePasskey, giveTotp, seedUser } from "../helpers/security-seed";

const NOW = new Date(Date.UTC(2030, 0, 10, 15, 30));
const HOUR = 3_600_000;
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

async function userJoined(at: Date, options: { active?: boolean } = {}) {
  const user = await seedUser({ active: options.active });
  await db.user.update({ where: { id: user.id }, data: { createdAt: at } });
  return user;
}

async function totpConfirmed(userId: number, at: Date) {
  await giveTotp(userId);
  await db.totpDevice.update({ where: { userId }, data: { confirmedAt: at, createdAt: at } });
}

describe("security dashboard statistics", () => {
  it("counts sign-ins, failures, adoption over time and the factor mix per UTC day", async () => {
    const u1 = await userJoined(ago(20 * DAY));
    await totpConfirmed(u1.id, ago(3 * DAY));
    await giveBackupCodes(u1.id, 5);
    const u2 = await userJoined(ago(5 * DAY));
    await givePasskey(u2.id, { createdAt: ago(1 * DAY) });
    const u3 = await userJoined(ago(30 * DAY));
    await totpConfirmed(u3.id, ago(10 * DAY));
    await givePasskey(u3.id, { createdAt: ago(2 * DAY) });
    await userJoined(ago(1 * DAY));
    // Deactivated accounts are left out of every user figure.
    const gone = await userJoined(ago(4 * DAY), { active: false });
    await totpConfirmed(gone.id, ago(4 * DAY));

    await addEvent("login.succeeded", { userId: u1.id, at: ago(1 * HOUR) });
    await addEvent("login.succeeded", { userId: u2.id, at: ago(2 * HOUR) });
    await addEvent("login.succeeded", { userId: u2.id, at: ago(2 * DAY) });
    await addEvent("login.succeeded", { userId: u2.id, at: ago(8 * DAY) });
    await addEvent("login.failed", { ip: "192.0.2.1", at: ago(3 * HOUR) });
    for (let i = 0; i < 3; i++) await addEvent("totp.failed", { userId: u1.id, ip: "192.0.2.2", at: ago(DAY + HOUR) });
    await addEvent("backup_code.failed", { userId: u1.id, ip: "192.0.2.2", at: ago(4 * HOUR) });
    // A completed second step: its login session and the sign-in it recorded count once.
    await addLoginSession(u1.id, {
      createdAt: ago(31 * 60_000),
      expiresAt: ago(21 * 60_000),
      consumedAt: ago(30 * 60_000),
    });
    await addEvent("login.succeeded", { userId: u1.id, at: ago(30 * 60_000) });

    const dashboard = await loadDashboard("7d", NOW);
    expect(dashboard.activity.map((p) => p.start.toISOString().slice(0, 10))).toEqual([
      "2030-01-04",
      "2030-01-05",
      "2030-01-06",
      "2030-01-07",
      "2030-01-08",
      "2030-01-09",
      "2030-01-10",
    ]);
    expect(dashboard.activity.map((p) => p.signIns)).toEqual([0, 0, 0, 0, 1, 0, 3]);
    expect(dashboard.activity.map((p) => p.failedPasswords)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(dashboard.activity.map((p) => p.failedSecondFactor)).toEqual([0, 0, 0, 0, 0, 3, 1]);

    expect(dashboard.adoption.map((p) => p.users)).toEqual([2, 3, 3, 3, 3, 4, 4]);
    expect(dashboard.adoption.map((p) => p.withTwoFactor)).toEqual([1, 1, 1, 2, 2, 3, 3]);
    expect(dashboard.factorMix).toEqual({ totpOnly: 1, passkeyOnly: 1, both: 1, none: 1 });

    expect(dashboard.failedSecondFactor24h).toBe(1);
    expect(dashboard.report.activity.failedSecondFactor).toBe(4);
    expect(dashboard.report.users).toMatchObject({
      active: 4,
      inactive: 1,
      withTwoFactor: 3,
      adoptionPercent: 75,
      withTotp: 2,
      withPasskey: 2,
      withBoth: 1,
    });
    // u2 and u3 have a factor and no unused backup code.
    expect(dashboard.report.users.twoFactorWithoutBackupCodes).toBe(2);
    expect(dashboard.report.alerts.map((a) => a.code)).toContain("2fa_without_backup_codes");
  });

  it("uses hourly buckets for the 24-hour window and a longer one for 90 days", async () => {
    const u = await userJoined(ago(200 * DAY));
    await addEvent("login.succeeded", { userId: u.id, at: ago(2 * HOUR) });
    await addEvent("passkey.failed", { userId: u.id, at: ago(25 * HOUR) });
    const day = await loadDashboard("24h", NOW);
    expect(day.activity).toHaveLength(24);
    expect(day.activity[23]?.start.toISOString()).toBe("2030-01-10T15:00:00.000Z");
    expect(day.activity[21]?.signIns).toBe(1);
    expect(day.activity.reduce((a, p) => a + p.failedSecondFactor, 0)).toBe(0);
    const quarter = await loadDashboard("90d", NOW);
    expect(quarter.activity).toHaveLength(90);
    expect(quarter.activity.reduce((a, p) => a + p.failedSecondFactor, 0)).toBe(1);
    expect(quarter.report.windowDays).toBe(90);
  });

  it("says all is well on a database with nothing to report", async () => {
    const u = await userJoined(ago(2 * DAY));
    await totpConfirmed(u.id, ago(DAY));
    await giveBackupCodes(u.id, 8);
    const dashboard = await loadDashboard("30d", NOW);
    expect(dashboard.report.alerts).toEqual([]);
    expect(dashboard.report.score.value).toBe(100);
    expect(dashboard.adoption.at(-1)).toMatchObject({ users: 1, withTwoFactor: 1 });
  });
});
