import { describe, expect, it, vi } from "vitest";
import * as exportRoute from "@/app/admin/export/[resource]/route";
import { db } from "@/lib/db";
import { listBackupCodes, backupCodesSpec } from "@/lib/auth/admin/backup-codes";
import { parseListQuery } from "@/lib/auth/admin/listing";
import { listPasskeys, passkeysSpec } from "@/lib/auth/admin/passkeys";
import { listUsers, usersSpec } from "@/lib/auth/admin/users";
import { listPendingLogins, pendingLoginsSpec } from "@/lib/auth/admin/pending-logins";
import { addLoginSession, giveBackupCodes, givePasskey, giveTotp } from "../helpers/security-seed";
import { makeUser } from "../helpers/users";
import { signInBrowser, WITH_MFA } from "../helpers/admin";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

const DAY = 86_400_000;

async function exportCsv(resource: string, query = "") {
  const res = await exportRoute.GET(new Request(`http://localhost:3000/admin/export/${resource}${query}`), {
    params: Promise.resolve({ resource }),
  });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    disposition: res.headers.get("content-disposition"),
    text: await res.text(),
  };
}

async function asAdmin() {
  const admin = await makeUser({ staff: true, username: `admin-${Math.random().toString(36).slice(2, 7)}` });
  await signInBrowser(admin.id, WITH_MFA);
  return admin;
}

describe("admin lists", () => {
  it("users: search, filters, sort and pagination happen in the database", async () => {
    await asAdmin();
    for (let i = 0; i < 4; i++) await makeUser({ username: `zed${i}` });
    const staff = await makeUser({ staff: true, username: "zed-staff" });
    await giveTotp(staff.id);
    const page1 = await listUsers(
      parseListQuery({ q: "ZED", sort: "username", dir: "asc", per_page: "25" }, usersSpec),
    );
    expect(page1.total).toBe(5);
    expect(page1.rows.map((r) => r.username)).toEqual(["zed-staff", "zed0", "zed1", "zed2", "zed3"]);
    const staffOnly = await listUsers(parseListQuery({ q: "zed", role: "staff", twofa: "totp" }, usersSpec));
    expect(staffOnly.rows.map((r) => r.username)).toEqual(["zed-staff"]);
    expect(staffOnly.rows[0]).toMatchObject({ isStaff: true, totp: true, passkeys: 0 });
    const noTwoFactor = await listUsers(parseListQuery({ q: "zed", twofa: "off" }, usersSpec));
    expect(noTwoFactor.total).toBe(4);
    const second = await listUsers({
      ...parseListQuery({ q: "zed", sort: "username", dir: "desc" }, usersSpec),
      perPage: 2,
      page: 2,
    });
    expect(second).toMatchObject({ total: 5, pages: 3, page: 2 });
    expect(second.rows.map((r) => r.username)).toEqual(["zed1", "zed0"]);
  });

  it("passkeys: days since use and the 90-day flag", async () => {
    const u = await makeUser({ username: "keyholder" });
    const now = new Date();
    await givePasskey(u.id, {
      lastUsedAt: new Date(now.getTime() - 120 * DAY),
      createdAt: new Date(now.getTime() - 200 * DAY),
    });
    await givePasskey(u.id, { lastUsedAt: new Date(now.getTime() - 1 * DAY - 60_000) });
    await givePasskey(u.id, { lastUsedAt: null, createdAt: new Date(now.getTime() - 100 * DAY) });
    await givePasskey(u.id, { lastUsedAt: null });
    const stale = await listPasskeys(parseListQuery({ usage: "stale" }, passkeysSpec), undefined, now);
    expect(stale.total).toBe(2);
    const all = await listPasskeys(parseListQuery({ sort: "last_used", dir: "desc" }, passkeysSpec), undefined, now);
    expect(all.rows.map((r) => r.daysSinceUseText)).toEqual(["Yesterday", "120 days ago", "Never used", "Never used"]);
  });

  it("backup codes: remaining counts only, filtered and sorted", async () => {
    const many = await makeUser({ username: "many-codes" });
    await giveTotp(many.id);
    await giveBackupCodes(many.id, 8, 0);
    const few = await makeUser({ username: "few-codes" });
    await givePasskey(few.id);
    await giveBackupCodes(few.id, 1, 7);
    const none = await makeUser({ username: "no-codes" });
    await giveTotp(none.id);
    await makeUser({ username: "no-factor" });
    const sorted = await listBackupCodes(parseListQuery({}, backupCodesSpec));
    expect(sorted.rows.map((r) => [r.username, r.remaining, r.used])).toEqual([
      ["no-codes", 0, 0],
      ["few-codes", 1, 7],
      ["many-codes", 8, 0],
    ]);
    expect(
      (await listBackupCodes(parseListQuery({ remaining: "low" }, backupCodesSpec))).rows.map((r) => r.username),
    ).toEqual(["few-codes"]);
    expect((await listBackupCodes(parseListQuery({ q: "%" }, backupCodesSpec))).total).toBe(0);
  });

  it("login sessions: status from the row, filtered in SQL", async () => {
    const u = await makeUser();
    const now = Date.now();
    await addLoginSession(u.id, { createdAt: new Date(now - 60_000), expiresAt: new Date(now + 600_000) });
    await addLoginSession(u.id, {
      createdAt: new Date(now - 60_000),
      expiresAt: new Date(now + 600_000),
      consumedAt: new Date(now - 30_000),
    });
    await addLoginSession(u.id, { createdAt: new Date(now - 7_200_000), expiresAt: new Date(now - 3_600_000) });
    const all = await listPendingLogins(parseListQuery({}, pendingLoginsSpec));
    expect(all.rows.map((r) => r.status).sort()).toEqual(["completed", "expired", "pending"]);
    expect((await listPendingLogins(parseListQuery({ status: "expired" }, pendingLoginsSpec))).total).toBe(1);
    expect((await listPendingLogins(parseListQuery({ recent: "1h" }, pendingLoginsSpec))).total).toBe(2);
  });
});

describe("CSV export", () => {
  it("exports every page with the list's filters, as an attachment", async () => {
    await asAdmin();
    for (let i = 0; i < 30; i++) await makeUser({ username: `bulk${String(i).padStart(2, "0")}` });
    const res = await exportCsv("users", "?q=bulk&sort=username&dir=asc&page=2");
    expect(res.status).toBe(200);
    expect(res.type).toBe("text/csv; charset=utf-8");
    expect(res.disposition).toMatch(/^attachment; filename="lokdown-users-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = res.text.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "id,username,email,staff,superuser,active,totp,passkeys,backup_codes_remaining,created_at,last_login_at",
    );
    expect(lines).toHaveLength(31);
    expect(lines[1]).toContain(",bulk00,");
  });

  it("neutralises formulas in user-controlled text", async () => {
    const admin = await asAdmin();
    await db.securityEvent.create({
      data: {
        type: "login.failed",
        userId: admin.id,
        ipAddress: "192.0.2.9",
        userAgent: '=HYPERLINK("http://evil.example","click")',
        details: { username: "@SUM(1+1)" },
      },
    });
    const res = await exportCsv("failed-attempts");
    expect(res.status).toBe(200);
    expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(res.text).toContain("username=@SUM(1+1)");
    for (const line of res.text.split("\r\n")) for (const cell of line.split(",")) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it("never includes secrets, and unknown lists are 404", async () => {
    await asAdmin();
    expect((await exportCsv("totp")).text.split("\r\n")[0]).not.toMatch(/secret/);
    expect((await exportCsv("api-keys")).text.split("\r\n")[0]).toBe(
      "id,user_id,username,name,prefix,status,created_at,last_used_at,expires_at,revoked_at",
    );
    expect((await exportCsv("passwords")).status).toBe(404);
    expect((await exportCsv("__proto__")).status).toBe(404);
  });
});
