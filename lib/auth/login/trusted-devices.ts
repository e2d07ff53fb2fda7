import "server-only";
import { z } from "zod";
import { db, type DbClient } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { requirePolicy } from "../policy/assurance-policy";
import { authorize, loadPolicyCaller, type StepUpActor } from "../policy/step-up";
import { recordSecurityEvent } from "../audit";
import { randomToken, sha256Hex } from "../secrets";
import { describeDevice, type DeviceInfo } from "../sessions/user-sessions";
import { signToken, verifyToken } from "../signed-token";

/**
 * "Don't ask for a code on this browser for N days": after passing 2FA a user may trust the
 * browser. It gets an httpOnly cookie holding a signed token (lib/auth/signed-token.ts) that names
 * the user and carries a random secret; the server keeps only that secret's SHA-256 in a
 * TrustedDevice row, which the user and admins can list and revoke.
 * At the next password sign-in of that same user the second-factor step is skipped, and the
 * session's AMR says "tdv" instead of "mfa", so it never counts as having passed 2FA (the admin
 * area asks again). It never applies to staff while ADMIN_2FA_REQUIRED is on, and every password
 * or 2FA change revokes all of the user's trusted browsers (lib/auth/notices/security-mail.ts).
 */

/** Whether the feature is on (LOKDOWN_TRUSTED_DEVICE_DAYS > 0). */
export function trustedDevicesEnabled(): boolean {
  return settings.trustedDeviceDays > 0;
}

/** Whether this user may skip the second factor on a trusted browser at all. */
export function mayTrustBrowser(user: { isStaff: boolean }): boolean {
  return trustedDevicesEnabled() && !(user.isStaff && settings.admin2faRequired);
}

const CookieClaims = z.object({
  sub: z
    .string()
    .regex(/^[1-9]\d{0,9}$/)
    .transform(Number),
  tok: z.string().regex(/^[\w-]{43}$/),
});

export type TrustedBrowserCookie = { value: string; expiresAt: Date };

/**
 * Trusts the browser of a web session that has just passed a second factor. Refused (as
 * not_authorized_for_user) for sessions without "mfa" and for staff under ADMIN_2FA_REQUIRED.
 */
export async function trustBrowser(
  input: { userId: number; sessionId: string },
  client: ClientInfo,
  now = new Date(),
): Promise<Result<TrustedBrowserCookie>> {
  const session = await db.authSession.findUnique({
    where: { id: input.sessionId },
    select: {
      userId: true,
      kind: true,
      amr: true,
      revokedAt: true,
      expiresAt: true,
      user: { select: { isStaff: true, isActive: true } },
    },
  });
  if (
    !session ||
    session.userId !== input.userId ||
    session.kind !== "web" ||
    session.revokedAt ||
    session.expiresAt <= now ||
    !session.user.isActive
  ) {
    return fail("not_authorized_for_user");
  }
  if (!mayTrustBrowser(session.user)) return fail("not_authorized_for_user");
  // Policy "trusted_browser.trust": a second factor proved in this session just now (at sign-in).
  const caller = await loadPolicyCaller(
    { userId: input.userId, username: "", isStaff: session.user.isStaff, sessionId: input.sessionId },
    now,
  );
  if (!requirePolicy("trusted_browser.trust", caller, now).ok) return fail("not_authorized_for_user");
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + settings.trustedDeviceDays * 86_400_000);
  const row = await db.trustedDevice.create({
    data: {
      userId: input.userId,
      tokenHash: sha256Hex(token),
      userAgent: client.userAgent,
      ipAddress: client.ip,
      createdAt: now,
      expiresAt,
    },
    select: { id: true },
  });
  await recordSecurityEvent({
    type: "trusted_device.created",
    userId: input.userId,
    client,
    details: { trusted_device: row.id, days: settings.trustedDeviceDays },
  });
  return ok({
    value: await signToken("trusted-browser", { sub: String(input.userId), tok: token }, expiresAt, now),
    expiresAt,
  });
}

/**
 * The id of the trusted-browser record a cookie proves for this user, or null: wrong signature,
 * another user's cookie, revoked, expired, feature off, or a user who may not skip 2FA.
 */
export async function findTrustedBrowser(
  cookie: string | null | undefined,
  user: { id: number; isStaff: boolean },
  now = new Date(),
): Promise<string | null> {
  if (!cookie || !mayTrustBrowser(user)) return null;
  // The signature is checked before any database lookup, so forged cookies cost nothing.
  const claims = await verifyToken("trusted-browser", cookie, CookieClaims, now);
  if (!claims || claims.sub !== user.id) return null;
  const [row] = await db.trustedDevice.updateManyAndReturn({
    where: { tokenHash: sha256Hex(claims.tok), userId: user.id, revokedAt: null, expiresAt: { gt: now } },
    data: { lastUsedAt: now },
    select: { id: true },
  });
  return row?.id ?? null;
}

export type TrustedDeviceView = {
  id: string;
  device: DeviceInfo;
  ipAddress: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date;
};

/** A user's trusted browsers that still work, newest first. */
export async function listTrustedDevices(userId: number, now = new Date()): Promise<TrustedDeviceView[]> {
  const rows = await db.trustedDevice.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    orderBy: [{ createdAt: "desc" }],
    select: { id: true, userAgent: true, ipAddress: true, createdAt: true, lastUsedAt: true, expiresAt: true },
    take: 200,
  });
  return rows.map((r) => ({
    id: r.id,
    device: describeDevice(r.userAgent),
    ipAddress: r.ipAddress,
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
    expiresAt: r.expiresAt,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Revokes one trusted browser of this user; anything else reads as trusted_device_not_found. */
export async function revokeTrustedDevice(
  actor: { userId: number },
  userId: number,
  deviceId: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  if (!UUID.test(deviceId)) return fail("trusted_device_not_found");
  const { count } = await db.trustedDevice.updateMany({
    where: { id: deviceId, userId, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now },
  });
  if (count !== 1) return fail("trusted_device_not_found");
  await recordSecurityEvent({
    type: "trusted_device.revoked",
    userId,
    client,
    details: { trusted_device: deviceId, by: actor.userId },
  });
  return ok(undefined);
}

/** Revokes one of the caller's own trusted browsers (policy "trusted_browser.forget"). */
export async function revokeOwnTrustedDevice(
  actor: StepUpActor,
  deviceId: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const allowed = await authorize("trusted_browser.forget", actor, {}, client, now);
  if (!allowed.ok) return allowed;
  return revokeTrustedDevice(actor, actor.userId, deviceId, client, now);
}

/** Forgets every trusted browser of the caller (policy "trusted_browser.forget"). */
export async function forgetAllTrustedDevices(
  actor: StepUpActor,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<number>> {
  const allowed = await authorize("trusted_browser.forget", actor, {}, client, now);
  if (!allowed.ok) return allowed;
  return ok(await revokeAllTrustedDevicesOf(actor, actor.userId, client, now));
}

/** Revokes every trusted browser of a user, inside the caller's transaction if given. Returns how many. */
export async function revokeAllTrustedDevices(client: DbClient, userId: number, now = new Date()): Promise<number> {
  const { count } = await client.trustedDevice.updateMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now },
  });
  return count;
}

/** Revokes all of them on request (account page, admin area) and logs who did it. */
export async function revokeAllTrustedDevicesOf(
  actor: { userId: number },
  userId: number,
  client: ClientInfo,
  now = new Date(),
): Promise<number> {
  const count = await revokeAllTrustedDevices(db, userId, now);
  await recordSecurityEvent({
    type: "trusted_device.revoked",
    userId,
    client,
    details: { all: true, count, by: actor.userId },
  });
  return count;
}
