import { describe, expect, it, vi } from "vitest";
import * as userActions from "@/app/admin/users/actions";
import { setUserStaff } from "@/lib/auth/admin/users";
import { ensureASuperuser, ensureFirstAdmin } from "@/lib/auth/maintenance/first-admin";
import { db } from "@/lib/db";
import { snapshotCounts } from "../helpers/db";
import { giveBackupCodes, giveTotp } from "../helpers/security-seed";
import { makeUser } from "../helpers/users";
import { signInBrowser, WITH_MFA } from "../helpers/admin";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

/**
 * Issue 18.6: staff are not all equal. Only superusers change staff roles or reset, deactivate or
 * otherwise take over another staff account; the last active superuser stays; backup codes of a
 * staff account are never shown to anyone but its owner. Driven through the admin server actions.
 */

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};

async function staffWithFactor(options: { superuser?: boolean } = {}) {
  const user = await makeUser({ staff: true, superuser: options.superuser ?? false });
  await giveTotp(user.id);
  await giveBackupCodes(user.id, 6, 0);
  return user;
}

/** Signs the browser in as `userId` with 2FA (a fresh step-up). */
const actAs = (userId: number) => signInBrowser(userId, WITH_MFA);

describe("a staff member who is not a superuser", () => {
  it("cannot grant or remove staff, reset another staff member's 2FA, or deactivate staff; nothing changes", async () => {
    const plain = await staffWithFactor();
    const otherStaff = await staffWithFactor({ superuser: true });
    const regular = await makeUser();
    await actAs(plain.id);
    const before = await snapshotCounts();
    const refusals = [
      await userActions.setStaffAction({}, form({ user_id: String(regular.id), staff: "true" })),
      await userActions.setStaffAction({}, form({ user_id: String(otherStaff.id), staff: "false" })),
      await userActions.resetTwoFactorAction(
        {},
        form({ user_id: String(otherStaff.id), reason: "take over the account" }),
      ),
      await userActions.setActiveAction({}, form({ user_id: String(otherStaff.id), active: "false" })),
    ];
    for (const refused of refusals) expect(refused.error).toMatch(/Only a superuser/);
    expect(await snapshotCounts()).toEqual(before);
    expect(
      await db.user.findUniqueOrThrow({ where: { id: otherStaff.id }, select: { isStaff: true, isActive: true } }),
    ).toEqual({ isStaff: true, isActive: true });
    expect(await db.totpDevice.count({ where: { userId: otherStaff.id } })).toBe(1);
  });

  it("cannot lift another staff member's second-factor lock (that would reopen code guessing on a staff account)", async () => {
    const plain = await staffWithFactor();
    const locked = await staffWithFactor({ superuser: true });
    await db.user.update({
      where: { id: locked.id },
      data: { secondFactorFailures: 10, secondFactorLockedAt: new Date() },
    });
    await actAs(plain.id);
    const refused = await userActions.unlockSecondFactorAction({}, form({ user_id: String(locked.id) }));
    expect(refused.error).toMatch(/Only a superuser/);
    expect(
      await db.user.findUniqueOrThrow({ where: { id: locked.id }, select: { secondFactorFailures: true } }),
    ).toEqual({ secondFactorFailures: 10 });
  });

  it("still manages regular users (reset 2FA, deactivate)", async () => {
    const plain = await staffWithFactor();
    const regular = await makeUser();
    await giveTotp(regular.id);
    await actAs(plain.id);
    expect(
      (
        await userActions.resetTwoFactorAction(
          {},
          form({ user_id: String(regular.id), reason: "Lost phone, ticket #1" }),
        )
      ).done,
    ).toBeDefined();
    expect(
      (await userActions.setActiveAction({}, form({ user_id: String(regular.id), active: "false" }))).done,
    ).toBeDefined();
  });
});

describe("a superuser", () => {
  it("grants and removes staff, and resets or deactivates other staff", async () => {
    const root = await staffWithFactor({ superuser: true });
    const staff = await staffWithFactor();
    const regular = await makeUser();
    await actAs(root.id);
    expect(
      (await userActions.setStaffAction({}, form({ user_id: String(regular.id), staff: "true" }))).done,
    ).toBeDefined();
    expect((await db.user.findUniqueOrThrow({ where: { id: regular.id } })).isStaff).toBe(true);
    expect(
      (await userActions.resetTwoFactorAction({}, form({ user_id: String(staff.id), reason: "Lost phone, ticket #2" })))
        .done,
    ).toBeDefined();
    expect(
      (await userActions.setActiveAction({}, form({ user_id: String(staff.id), active: "false" }))).done,
    ).toBeDefined();
    expect(
      (await userActions.setStaffAction({}, form({ user_id: String(regular.id), staff: "false" }))).done,
    ).toBeDefined();
  });

  it("two superusers demoting each other at once: one of them always stays", async () => {
    const first = await staffWithFactor({ superuser: true });
    const second = await staffWithFactor({ superuser: true });
    const actor = async (user: { id: number; username: string }) => {
      const { sessionId } = await actAs(user.id);
      return { userId: user.id, username: user.username, isStaff: true, sessionId };
    };
    const [a, b] = [await actor(first), await actor(second)];
    const client = { ip: "192.0.2.1", userAgent: "vitest" };
    const results = await Promise.all([
      setUserStaff(a, second.id, false, {}, client),
      setUserStaff(b, first.id, false, {}, client),
    ]);
    expect(results.filter((r) => r.ok).length).toBe(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: "last_superuser" });
    expect(await db.user.count({ where: { isSuperuser: true, isStaff: true, isActive: true } })).toBe(1);
  });

  it("deactivating the other superuser, then being the last: nobody can remove the last one", async () => {
    const first = await staffWithFactor({ superuser: true });
    const second = await staffWithFactor({ superuser: true });
    const plain = await staffWithFactor();
    await actAs(first.id);
    expect(
      (await userActions.setActiveAction({}, form({ user_id: String(second.id), active: "false" }))).done,
    ).toBeDefined();
    // first is the last active superuser: plain staff cannot touch it, and it cannot act on itself.
    await actAs(plain.id);
    expect((await userActions.setStaffAction({}, form({ user_id: String(first.id), staff: "false" }))).error).toMatch(
      /Only a superuser/,
    );
    expect((await userActions.setActiveAction({}, form({ user_id: String(first.id), active: "false" }))).error).toMatch(
      /Only a superuser/,
    );
    await actAs(first.id);
    expect(
      (await userActions.setStaffAction({}, form({ user_id: String(first.id), staff: "false" }))).error,
    ).toBeDefined();
    expect(
      await db.user.findUniqueOrThrow({
        where: { id: first.id },
        select: { isStaff: true, isSuperuser: true, isActive: true },
      }),
    ).toEqual({ isStaff: true, isSuperuser: true, isActive: true });
  });
});

describe("backup codes of a staff account", () => {
  it("are never shown to another staff member, superuser or not; a regular user's still are", async () => {
    const root = await staffWithFactor({ superuser: true });
    const staff = await staffWithFactor();
    const regular = await makeUser();
    await giveTotp(regular.id);
    await actAs(root.id);
    const codesBefore = await db.backupCode.findMany({ where: { userId: staff.id }, select: { id: true } });
    const refused = await userActions.regenerateBackupCodesAction(
      {},
      form({ user_id: String(staff.id), reason: "Hand-over for a colleague" }),
    );
    expect(refused.codes).toBeUndefined();
    expect(refused.error).toMatch(/never shown to anyone else/);
    expect(await db.backupCode.findMany({ where: { userId: staff.id }, select: { id: true } })).toEqual(codesBefore);
    const handed = await userActions.regenerateBackupCodesAction(
      {},
      form({ user_id: String(regular.id), reason: "User lost printed codes" }),
    );
    expect(handed.codes?.length).toBeGreaterThan(0);
  });
});

describe("the first superuser", () => {
  it("is the first admin made at bootstrap", async () => {
    await ensureFirstAdmin();
    expect(await db.user.findMany({ select: { isStaff: true, isSuperuser: true } })).toEqual([
      { isStaff: true, isSuperuser: true },
    ]);
  });

  it("on a database from before the hierarchy, is the earliest active staff account, once", async () => {
    const inactive = await makeUser({ staff: true });
    await db.user.update({ where: { id: inactive.id }, data: { isActive: false } });
    const earliest = await makeUser({ staff: true });
    const later = await makeUser({ staff: true });
    await Promise.all([ensureASuperuser(), ensureASuperuser()]);
    const roles = await db.user.findMany({
      where: { id: { in: [inactive.id, earliest.id, later.id] } },
      orderBy: { id: "asc" },
      select: { isSuperuser: true },
    });
    expect(roles.map((r) => r.isSuperuser)).toEqual([false, true, false]);
    expect(await db.securityEvent.count({ where: { type: "admin.superuser_granted" } })).toBe(1);
  });
});
