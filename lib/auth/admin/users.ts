import "server-only";
import { db, type Tx } from "@/lib/db";
import { settings } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { fail, ok, type Result } from "../errors";
import type { AccountActor } from "../two-factor/account-security";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { liveSessionWhere } from "../sessions/liveness";
import { replaceBackupCodes } from "../two-factor/backup-codes";
import { getFactorSummary, hasSecondFactor } from "../two-factor/factor-summary";
import { cancelOutstandingLinks } from "../notices/outstanding-links";
import { notifySecurityEvent } from "../notices/security-mail";
import { authorize, loadPolicyCaller, type StepUpProof } from "../policy/step-up";
import { proofFor, requirePolicy } from "../policy/assurance-policy";
import type { CsvColumn } from "./csv";
import { pageOf, skipTake, type ListPage, type ListQuery, type ListSpec } from "./listing";

export const usersSpec = {
  sorts: ["username", "email", "created", "last_login"],
  defaultSort: "created",
  defaultDir: "desc",
  filters: { role: ["staff", "regular"], status: ["active", "inactive"], twofa: ["on", "off", "totp", "passkey"] },
} as const satisfies ListSpec<string, string>;

type UsersSort = (typeof usersSpec.sorts)[number];
type UsersFilter = keyof typeof usersSpec.filters;
export type UsersQuery = ListQuery<UsersSort, UsersFilter>;

export type AdminUserRow = {
  id: number;
  username: string;
  email: string;
  isStaff: boolean;
  isSuperuser: boolean;
  isActive: boolean;
  totp: boolean;
  passkeys: number;
  backupCodesRemaining: number;
  createdAt: Date;
  lastLoginAt: Date | null;
};

const hasTotp: Prisma.UserWhereInput = { totpDevice: { is: { secretEncrypted: { not: null } } } };
const hasPasskey: Prisma.UserWhereInput = { passkeys: { some: {} } };

function where(query: UsersQuery): Prisma.UserWhereInput {
  const and: Prisma.UserWhereInput[] = [];
  if (query.q)
    and.push({
      OR: [
        { username: { contains: query.q, mode: "insensitive" } },
        { email: { contains: query.q, mode: "insensitive" } },
      ],
    });
  const { role, status, twofa } = query.filters;
  if (role) and.push({ isStaff: role === "staff" });
  if (status) and.push({ isActive: status === "active" });
  if (twofa === "on") and.push({ OR: [hasTotp, hasPasskey] });
  if (twofa === "off") and.push({ NOT: [hasTotp, hasPasskey] });
  if (twofa === "totp") and.push(hasTotp);
  if (twofa === "passkey") and.push(hasPasskey);
  return { AND: and };
}

function orderBy(query: UsersQuery): Prisma.UserOrderByWithRelationInput[] {
  const dir = query.dir;
  switch (query.sort) {
    case "username":
      return [{ username: dir }];
    case "email":
      return [{ email: dir }];
    case "last_login":
      return [{ lastLoginAt: { sort: dir, nulls: "last" } }, { id: dir }];
    case "created":
      return [{ createdAt: dir }, { id: dir }];
  }
}

const rowSelect = {
  id: true,
  username: true,
  email: true,
  isStaff: true,
  isSuperuser: true,
  isActive: true,
  createdAt: true,
  lastLoginAt: true,
  totpDevice: { select: { confirmedAt: true, secretEncrypted: true } },
  _count: { select: { passkeys: true, backupCodes: { where: { usedAt: null } } } },
} as const satisfies Prisma.UserSelect;

type Row = Prisma.UserGetPayload<{ select: typeof rowSelect }>;

const toRow = (u: Row): AdminUserRow => ({
  id: u.id,
  username: u.username,
  email: u.email,
  isStaff: u.isStaff,
  isSuperuser: u.isSuperuser,
  isActive: u.isActive,
  totp: Boolean(u.totpDevice?.secretEncrypted),
  passkeys: u._count.passkeys,
  backupCodesRemaining: u._count.backupCodes,
  createdAt: u.createdAt,
  lastLoginAt: u.lastLoginAt,
});

export async function listUsers(query: UsersQuery, range = skipTake(query)): Promise<ListPage<AdminUserRow>> {
  const [rows, total] = await Promise.all([
    db.user.findMany({ where: where(query), orderBy: orderBy(query), select: rowSelect, ...range }),
    db.user.count({ where: where(query) }),
  ]);
  return pageOf(rows.map(toRow), total, query);
}

export const userCsv: CsvColumn<AdminUserRow>[] = [
  { header: "id", value: (r) => r.id },
  { header: "username", value: (r) => r.username },
  { header: "email", value: (r) => r.email },
  { header: "staff", value: (r) => r.isStaff },
  { header: "superuser", value: (r) => r.isSuperuser },
  { header: "active", value: (r) => r.isActive },
  { header: "totp", value: (r) => r.totp },
  { header: "passkeys", value: (r) => r.passkeys },
  { header: "backup_codes_remaining", value: (r) => r.backupCodesRemaining },
  { header: "created_at", value: (r) => r.createdAt },
  { header: "last_login_at", value: (r) => r.lastLoginAt },
];

export type AdminUserDetail = AdminUserRow & {
  /** When the owner confirmed the current address; null: unverified (never linked to a social sign-in). */
  emailVerifiedAt: Date | null;
  totpSince: Date | null;
  hasPassword: boolean;
  activeSessions: number;
  activeApiKeys: number;
  /** When code sign-in was locked by the account-wide second-factor cap; null when not locked. */
  secondFactorLockedAt: Date | null;
};

export async function getAdminUser(userId: number, now = new Date()): Promise<AdminUserDetail | null> {
  if (!Number.isSafeInteger(userId) || userId < 1) return null;
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { ...rowSelect, passwordHash: true, secondFactorLockedAt: true, emailVerifiedAt: true },
  });
  if (!user) return null;
  const [activeSessions, activeApiKeys] = await Promise.all([
    db.authSession.count({ where: { userId, ...liveSessionWhere(now) } }),
    db.apiKey.count({ where: { userId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] } }),
  ]);
  return {
    ...toRow(user),
    emailVerifiedAt: user.emailVerifiedAt,
    totpSince: user.totpDevice?.secretEncrypted ? (user.totpDevice.confirmedAt ?? null) : null,
    hasPassword: user.passwordHash !== null,
    activeSessions,
    activeApiKeys,
    secondFactorLockedAt: user.secondFactorLockedAt,
  };
}

export const REASON_MIN = 5;
export const REASON_MAX = 500;

/** A reason for the security log: printable, one line, REASON_MIN..REASON_MAX characters. */
export function cleanReason(raw: string): Result<string> {
  const reason = raw
    .replace(/[\p{Cc}\p{Cf}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (reason.length < REASON_MIN || reason.length > REASON_MAX) {
    const problem = `Give a reason of ${REASON_MIN} to ${REASON_MAX} characters; it is written to the security log.`;
    return fail("validation_error", { message: problem, body: { reason: [problem] } });
  }
  return ok(reason);
}

/**
 * The preamble of every action an admin takes on another account: never on oneself (the account
 * pages do that with their own safeguards), the target must exist, and the admin re-proves who
 * they are unless they did so within LOKDOWN_STEP_UP_MINUTES.
 */
type Target = { id: number; username: string; isStaff: boolean; isSuperuser: boolean; isActive: boolean };

/**
 * The staff hierarchy (issue 18.6): what a staff member who is not a superuser may not do to
 * `target`. Checked before step-up, so a refusal costs the actor nothing and changes nothing.
 */
type HierarchyRule = "staff_roles" | "staff_account";

async function checkHierarchy(actor: AccountActor, target: Target, rule: HierarchyRule): Promise<Result<void>> {
  if (rule === "staff_account" && !target.isStaff && !target.isSuperuser) return ok(undefined);
  const self = await db.user.findUnique({
    where: { id: actor.userId },
    select: { isStaff: true, isSuperuser: true, isActive: true },
  });
  return self?.isStaff && self.isSuperuser && self.isActive ? ok(undefined) : fail("superuser_required");
}

async function checkTarget(
  actor: AccountActor,
  userId: number,
  proof: StepUpProof,
  client: ClientInfo,
  now: Date,
  rule?: HierarchyRule,
): Promise<Result<Target>> {
  if (userId === actor.userId) return fail("admin_self_action");
  const target =
    Number.isSafeInteger(userId) && userId > 0
      ? await db.user.findUnique({
          where: { id: userId },
          select: { id: true, username: true, isStaff: true, isSuperuser: true, isActive: true },
        })
      : null;
  if (!target) return fail("user_not_found");
  if (rule) {
    const allowed = await checkHierarchy(actor, target, rule);
    if (!allowed.ok) return allowed;
  }
  const stepUp = await authorize("staff.manage_user", actor, proof, client, now);
  return stepUp.ok ? ok(target) : stepUp;
}

/**
 * Inside the transaction that would demote or deactivate `userId`: refuses when no other active
 * superuser would remain. The row locks on every superuser serialise two admins demoting each
 * other at once, so one of them always stays.
 */
async function keepsASuperuser(tx: Tx, userId: number): Promise<boolean> {
  const rows = await tx.$queryRaw<
    { id: number }[]
  >`SELECT id FROM users WHERE is_superuser AND is_staff AND is_active ORDER BY id FOR UPDATE`;
  const isOne = rows.some((row) => row.id === userId);
  return !isOne || rows.some((row) => row.id !== userId);
}

/**
 * Removes a user's TOTP, passkeys, backup codes and pending WebAuthn challenges, and ends their
 * sessions (they were established with the factors now gone) and every outstanding link (reset,
 * e-mail change): a reset is recovery. The reason goes to the security log.
 */
export async function resetUserTwoFactor(
  actor: AccountActor,
  userId: number,
  rawReason: string,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const reason = cleanReason(rawReason);
  if (!reason.ok) return reason;
  const target = await checkTarget(actor, userId, proof, client, now, "staff_account");
  if (!target.ok) return target;
  await db.$transaction(async (tx) => {
    const removed = {
      totp: (await tx.totpDevice.deleteMany({ where: { userId } })).count,
      passkeys: (await tx.passkeyCredential.deleteMany({ where: { userId } })).count,
      backup_codes: (await tx.backupCode.deleteMany({ where: { userId } })).count,
    };
    await tx.webAuthnChallenge.deleteMany({ where: { userId } });
    await tx.authSession.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: now, revokedReason: "admin_2fa_reset" },
    });
    await cancelOutstandingLinks(tx, userId, now);
    const eventId = await recordSecurityEvent(
      {
        type: "admin.2fa_reset",
        userId,
        client,
        details: { by: actor.userId, by_username: actor.username, reason: reason.value, ...removed },
      },
      tx,
    );
    // Tells the user and ends their trusted browsers; the admin's device is not theirs, so no client facts.
    await notifySecurityEvent({ kind: "two_factor_disabled", userId, ref: eventId, now }, tx);
  });
  return ok(undefined);
}

/**
 * New backup codes for a user who has a factor, shown once to the admin for hand-over
 * (django-lokdown's admin made codes nobody could see).
 */
export async function regenerateUserBackupCodes(
  actor: AccountActor,
  userId: number,
  rawReason: string,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ username: string; codes: string[] }>> {
  const reason = cleanReason(rawReason);
  if (!reason.ok) return reason;
  const target = await checkTarget(actor, userId, proof, client, now);
  if (!target.ok) return target;
  return db.$transaction(async (tx): Promise<Result<{ username: string; codes: string[] }>> => {
    const [locked] = await tx.$queryRaw<
      { is_staff: boolean; is_superuser: boolean }[]
    >`SELECT is_staff, is_superuser FROM users WHERE id = ${userId} FOR UPDATE`;
    // Codes that sign in to a staff account are for its owner's eyes only, whoever asks (issue 18.6).
    if (!locked || locked.is_staff || locked.is_superuser) return fail("staff_backup_codes_owner_only");
    if (!hasSecondFactor(await getFactorSummary(userId, tx))) return fail("no_backup_codes_without_factor");
    const codes = await replaceBackupCodes(tx, userId);
    const eventId = await recordSecurityEvent(
      {
        type: "admin.backup_codes_regenerated",
        userId,
        client,
        details: { by: actor.userId, by_username: actor.username, reason: reason.value },
      },
      tx,
    );
    await notifySecurityEvent({ kind: "backup_codes_regenerated", userId, ref: eventId, now }, tx);
    return ok({ username: target.value.username, codes });
  });
}

/** Deactivating ends every session at once; API keys stop working because they check is_active. */
export async function setUserActive(
  actor: AccountActor,
  userId: number,
  active: boolean,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const target = await checkTarget(actor, userId, proof, client, now, "staff_account");
  if (!target.ok) return target;
  return db.$transaction(async (tx): Promise<Result<void>> => {
    if (!active && !(await keepsASuperuser(tx, userId))) return fail("last_superuser");
    await tx.user.update({ where: { id: userId }, data: { isActive: active } });
    if (!active) {
      await tx.authSession.updateMany({
        where: { userId, revokedAt: null },
        data: { revokedAt: now, revokedReason: "admin_deactivated" },
      });
      await tx.loginSession.updateMany({
        where: { userId, consumedAt: null, expiresAt: { gt: now } },
        data: { expiresAt: now },
      });
    }
    await recordSecurityEvent(
      {
        type: active ? "admin.user_activated" : "admin.user_deactivated",
        userId,
        client,
        details: { by: actor.userId, by_username: actor.username },
      },
      tx,
    );
    return ok(undefined);
  });
}

/** New staff reach the admin only after a second factor in their own session (and enrollment if they have none). */
export async function setUserStaff(
  actor: AccountActor,
  userId: number,
  staff: boolean,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const target = await checkTarget(actor, userId, proof, client, now, "staff_roles");
  if (!target.ok) return target;
  return db.$transaction(async (tx): Promise<Result<void>> => {
    if (!staff && !(await keepsASuperuser(tx, userId))) return fail("last_superuser");
    // Removing staff removes superuser too: a superuser is always staff.
    await tx.user.update({
      where: { id: userId },
      data: staff ? { isStaff: true } : { isStaff: false, isSuperuser: false },
    });
    await recordSecurityEvent(
      {
        type: staff ? "admin.staff_granted" : "admin.staff_revoked",
        userId,
        client,
        details: { by: actor.userId, by_username: actor.username },
      },
      tx,
    );
    return ok(undefined);
  });
}

/** Only a superuser makes or unmakes superusers; the last active one stays. */
export async function setUserSuperuser(
  actor: AccountActor,
  userId: number,
  superuser: boolean,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const target = await checkTarget(actor, userId, proof, client, now, "staff_roles");
  if (!target.ok) return target;
  return db.$transaction(async (tx): Promise<Result<void>> => {
    if (!superuser && !(await keepsASuperuser(tx, userId))) return fail("last_superuser");
    await tx.user.update({
      where: { id: userId },
      data: superuser ? { isStaff: true, isSuperuser: true } : { isSuperuser: false },
    });
    await recordSecurityEvent(
      {
        type: superuser ? "admin.superuser_granted" : "admin.superuser_revoked",
        userId,
        client,
        details: { by: actor.userId, by_username: actor.username },
      },
      tx,
    );
    return ok(undefined);
  });
}

/** Lifts the account-wide second-factor lock (LOKDOWN_2FA_LOCKOUT_ATTEMPTS) and restarts the count. */
export async function unlockUserSecondFactor(
  actor: AccountActor,
  userId: number,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const target = await checkTarget(actor, userId, proof, client, now, "staff_account");
  if (!target.ok) return target;
  await db.user.update({ where: { id: userId }, data: { secondFactorFailures: 0, secondFactorLockedAt: null } });
  await recordSecurityEvent({
    type: "admin.2fa_unlocked",
    userId,
    client,
    details: { by: actor.userId, by_username: actor.username },
  });
  return ok(undefined);
}

export type StepUpInfo = {
  fresh: boolean;
  hasPassword: boolean;
  hasTotp: boolean;
  hasBackupCodes: boolean;
  minutes: number;
};

/**
 * Whether the admin's next sensitive action needs a proof (policy "staff.manage_user"), and which
 * the form should offer: the policy's kind for this account, so a second factor when it has one.
 */
export async function describeStepUp(
  user: { id: number; username: string; isStaff: boolean; sessionId: string },
  now = new Date(),
): Promise<StepUpInfo> {
  const [caller, factors] = await Promise.all([
    loadPolicyCaller(
      { userId: user.id, username: user.username, isStaff: user.isStaff, sessionId: user.sessionId },
      now,
    ),
    getFactorSummary(user.id),
  ]);
  const kind = caller.kind === "session" ? proofFor(caller.account) : "password";
  return {
    fresh: requirePolicy("staff.manage_user", caller, now).ok,
    hasPassword: kind === "password",
    hasTotp: kind === "second_factor" && factors.totp,
    hasBackupCodes: kind === "second_factor" && factors.backupCodesRemaining > 0,
    minutes: settings.stepUpMinutes,
  };
}
