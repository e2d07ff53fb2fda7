import "server-only";
import { z } from "zod";
import { atomically, db, type DbClient } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { deliverAfterCommit, deliverNow, enqueueMail } from "@/lib/mail/outbox";
import { renderMail, singleLine, type MailContent } from "@/lib/mail/templates";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { cancelOutstandingLinks, createPasswordResetToken } from "./outstanding-links";
import { applyUndo, describeUndo, parseUndo, undoFor, type SecurityUndo } from "./security-undo";
import { describeDevice, describeSignInMethod, isNewDevice, revokeSessionsOf } from "../sessions/user-sessions";
import { signToken, verifyToken } from "../signed-token";
import { siteName, siteOrigin } from "../site";
import { describeSocialLinkRemoval, removeSocialLinks } from "./social-link-undo";
import { revokeAllTrustedDevices } from "../login/trusted-devices";

/**
 * Security notices: one call, notifySecurityEvent, where a change happens. It
 *  - revokes the user's trusted browsers when the change is to the password or to 2FA, and
 *  - records one e-mail per event in the outbox (dedupe key "<kind>:<user>:<ref>", ref being the
 *    security event id or another id unique to the event) and sends it after the change commits.
 * Every notice carries a signed, expiring, single-use "this wasn't me" link. It names the change
 * it reports, and following it undoes that change where it can (lib/auth/notices/security-undo.ts: the
 * factor or backup codes added, the e-mail address changed), ends every session, trusted browser,
 * API key and outstanding link, and clears the password, handing the owner a reset link.
 */

type FactorMethod = "totp" | "passkey";

export type SecurityNotice =
  | { kind: "new_device_sign_in"; method: string }
  | { kind: "two_factor_enabled"; method: FactorMethod; passkeyId?: number }
  | { kind: "two_factor_disabled" }
  | { kind: "factor_added"; method: FactorMethod; name?: string; passkeyId?: number }
  | { kind: "factor_removed"; method: FactorMethod; name?: string }
  | { kind: "backup_codes_regenerated" }
  | { kind: "backup_codes_low"; remaining: number }
  | { kind: "api_key_created"; apiKeyId: number; name: string; prefix: string }
  | { kind: "password_changed"; via: "change" | "reset"; apiKeysRevoked?: number }
  | { kind: "email_changed"; previousEmail: string; newEmail: string }
  | { kind: "second_factor_locked"; failures: number }
  | { kind: "social_linked"; provider: string; oAuthAccountId: number };

export type SecurityNoticeKind = SecurityNotice["kind"];

/** Changes after which a trusted browser must prove a second factor again. */
const REVOKES_TRUSTED_BROWSERS = new Set<SecurityNoticeKind>([
  "two_factor_enabled",
  "two_factor_disabled",
  "factor_added",
  "factor_removed",
  "password_changed",
]);

/** How long a "this wasn't me" link works. */
export const SECURITY_LINK_DAYS = 7;

const METHOD_NAMES: Record<FactorMethod, string> = { totp: "An authenticator app", passkey: "A passkey" };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Recipient = { username: string; email: string };

function formatWhen(now: Date): string {
  return `${now.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const quoted = (name: string | undefined) => (name ? ` “${singleLine(name).slice(0, 64)}”` : "");

function describeNotice(
  notice: SecurityNotice,
  user: Recipient,
): { headline: string; paragraphs: string[]; action?: { label: string; path: string } } {
  switch (notice.kind) {
    case "new_device_sign_in":
      return {
        headline: "New sign-in to your account",
        paragraphs: [`Someone signed in to ${user.username} from a device this account has not used before.`],
      };
    case "two_factor_enabled":
      return {
        headline: "Two-factor authentication is on",
        paragraphs: [`${METHOD_NAMES[notice.method]} now protects ${user.username} as a second step at sign-in.`],
      };
    case "two_factor_disabled":
      return {
        headline: "Two-factor authentication is off",
        paragraphs: [
          `Two-factor authentication was turned off for ${user.username}. Only the password protects the account now.`,
        ],
      };
    case "factor_added":
      return {
        headline: "A second factor was added",
        paragraphs: [
          `${METHOD_NAMES[notice.method]}${quoted(notice.name)} was added to ${user.username} as a second factor.`,
        ],
      };
    case "factor_removed":
      return {
        headline: "A second factor was removed",
        paragraphs: [`${METHOD_NAMES[notice.method]}${quoted(notice.name)} was removed from ${user.username}.`],
      };
    case "backup_codes_regenerated":
      return {
        headline: "New backup codes were generated",
        paragraphs: [
          `A new set of backup codes was generated for ${user.username}. The previous codes no longer work.`,
        ],
      };
    case "backup_codes_low":
      return {
        headline: notice.remaining === 0 ? "You have no backup codes left" : "You are running low on backup codes",
        paragraphs: [
          `A backup code was just used to sign in to ${user.username}. ${notice.remaining === 0 ? "No unused codes are left" : `Only ${notice.remaining} unused ${notice.remaining === 1 ? "code is" : "codes are"} left`}.`,
          "Generate a new set on your security page so you can still get in if you lose your authenticator.",
        ],
        action: { label: "Open the security page", path: "/account/security" },
      };
    case "api_key_created":
      return {
        headline: "A new API key was created",
        paragraphs: [
          `An API key${quoted(notice.name)} (${singleLine(notice.prefix)}…) was created for ${user.username}. Anyone holding it can call the API as you.`,
        ],
      };
    case "password_changed":
      return {
        headline: "Your password was changed",
        paragraphs: [
          notice.via === "reset"
            ? `The password of ${user.username} was reset with a link sent to this address.`
            : `The password of ${user.username} was changed.`,
          ...(notice.via === "reset"
            ? [
                `Every session and trusted browser was signed out${notice.apiKeysRevoked ? `, and every API key (${notice.apiKeysRevoked}) was revoked: create new ones where you need them` : ""}.`,
              ]
            : []),
        ],
      };
    case "second_factor_locked":
      return {
        headline: "Sign-in with a code is locked",
        paragraphs: [
          `Someone entered the correct password for ${user.username} and then ${notice.failures} wrong two-factor codes in a row. Signing in with an authenticator code or a backup code is locked until an administrator unlocks it; a passkey still works.`,
          "If this was not you, your password is known to someone else: change it now.",
        ],
        action: { label: "Open the security page", path: "/account/security" },
      };
    case "social_linked":
      return {
        headline: "A social account was linked",
        paragraphs: [
          `An account at ${singleLine(notice.provider).slice(0, 64)} was linked to ${user.username}. Whoever holds that account at ${singleLine(notice.provider).slice(0, 64)} can now sign in to ${user.username} with it.`,
        ],
      };
    case "email_changed":
      return {
        headline: "Your e-mail address was changed",
        paragraphs: [
          `The e-mail address of ${user.username} was changed from ${singleLine(notice.previousEmail)} to ${singleLine(notice.newEmail)}. Security notices now go to the new address.`,
        ],
      };
  }
}

/** Renders a notice; `notMeUrl` null renders the copy kept in the database (no usable link). */
function composeSecurityMail(
  notice: SecurityNotice,
  user: Recipient,
  context: { client?: ClientInfo; now: Date; notMeUrl: string | null },
): MailContent {
  const origin = siteOrigin();
  const described = describeNotice(notice, user);
  const facts: [string, string][] = [["When", formatWhen(context.now)]];
  if (context.client) {
    facts.push(["Device", describeDevice(context.client.userAgent).label]);
    facts.push(["IP address", context.client.ip ?? "unknown"]);
  }
  if (notice.kind === "new_device_sign_in") facts.push(["Signed in with", notice.method]);
  return renderMail({
    site: siteName(),
    headline: described.headline,
    greeting: `Hi ${user.username},`,
    paragraphs: [...described.paragraphs, "If this was you, there is nothing to do."],
    facts,
    action: described.action ? { label: described.action.label, url: `${origin}${described.action.path}` } : undefined,
    notMe: {
      label: "This wasn't me",
      url: context.notMeUrl ?? `${origin}/secure-account (link removed from the stored copy)`,
      explanation: `If this wasn't you, use this link within ${SECURITY_LINK_DAYS} days: it undoes this change, signs out every session and trusted browser, revokes every API key, and asks you for a new password.`,
    },
    footer: `${siteName()} sends this notice for every security change to your account. ${origin}`,
  });
}

/**
 * "This wasn't me" links carry a signed token (lib/auth/signed-token.ts) naming the user (`u`),
 * the notice's dedupe key (`k`), when it was issued (`i`, milliseconds), the API key a notice
 * reports (`a`) and what to undo (`r`); `e` is its expiry (seconds), SECURITY_LINK_DAYS after
 * the second it was issued in.
 */
type LinkPayload = { u: number; k: string; e: number; i: number; a?: number; r?: SecurityUndo };

const LinkClaims = z.object({
  u: z.number().int().positive(),
  k: z.string(),
  exp: z.number(),
  i: z.number(),
  a: z.number().optional(),
  r: z.unknown().optional(),
});

async function signSecurityLink(payload: Omit<LinkPayload, "e">, now: Date): Promise<string> {
  const expiresAt = new Date((Math.floor(now.getTime() / 1000) + SECURITY_LINK_DAYS * 86_400) * 1000);
  return signToken("security-link", payload, expiresAt, now);
}

async function readSecurityLink(token: string, now: Date): Promise<LinkPayload | null> {
  const claims = await verifyToken("security-link", token, LinkClaims, now);
  if (!claims) return null;
  const undo = parseUndo(claims.r);
  if (undo === null) return null;
  return { u: claims.u, k: claims.k, e: claims.exp, i: claims.i, a: claims.a, r: undo };
}

const withUndo = (undo: SecurityUndo | undefined): { r?: SecurityUndo } => (undo ? { r: undo } : {});

/** When the reported change happened (to the second): social links made since then go with the link. */
const noticeTime = (payload: LinkPayload): Date => new Date((payload.e - SECURITY_LINK_DAYS * 86_400) * 1000);

export type NotifyInput = SecurityNotice & { userId: number; ref: string; client?: ClientInfo; now?: Date };

/**
 * Reacts to a security change. Inside the transaction that makes the change, pass it as `tx`: the
 * revocations and the outbox row then commit (or roll back) with the change, and the e-mail is
 * sent once it has committed. Without `tx` (or with `db`) it acts at once; mail failures never throw.
 */
export async function notifySecurityEvent(input: NotifyInput, tx?: DbClient): Promise<void> {
  const client: DbClient = tx ?? db;
  const inTransaction = client !== db;
  const now = input.now ?? new Date();
  if (REVOKES_TRUSTED_BROWSERS.has(input.kind)) await revokeAllTrustedDevices(client, input.userId, now);
  const user = await client.user.findUnique({ where: { id: input.userId }, select: { username: true, email: true } });
  if (!user) return;
  const to = input.kind === "email_changed" ? input.previousEmail : user.email;
  if (!EMAIL.test(to)) return;
  const dedupeKey = `${input.kind}:${input.userId}:${input.ref}`.slice(0, 250);
  const link = await signSecurityLink(
    {
      u: input.userId,
      k: dedupeKey,
      i: now.getTime(),
      ...(input.kind === "api_key_created" ? { a: input.apiKeyId } : {}),
      ...withUndo(undoFor(input)),
    },
    now,
  );
  const context = { client: input.client, now };
  const full = composeSecurityMail(input, user, {
    ...context,
    notMeUrl: `${siteOrigin()}/secure-account?token=${link}`,
  });
  const redacted = composeSecurityMail(input, user, { ...context, notMeUrl: null });
  const queued = await enqueueMail(
    client,
    { dedupeKey, to, ...full, redacted: { text: redacted.text, html: redacted.html } },
    now,
  );
  if (!queued) return;
  if (inTransaction) await deliverAfterCommit(client, dedupeKey);
  else await deliverNow(dedupeKey);
}

/**
 * After a backup code was spent: warns when two or fewer are left, once per count per set of codes
 * (the set is named by its first row id, which regeneration replaces).
 */
export async function notifyIfBackupCodesLow(
  client: DbClient,
  userId: number,
  info: ClientInfo,
  now = new Date(),
): Promise<void> {
  const [remaining, first] = await Promise.all([
    client.backupCode.count({ where: { userId, usedAt: null } }),
    client.backupCode.aggregate({ where: { userId }, _min: { id: true } }),
  ]);
  if (remaining > 2 || first._min.id === null) return;
  await notifySecurityEvent(
    { kind: "backup_codes_low", remaining, userId, ref: `${first._min.id}:${remaining}`, client: info, now },
    client,
  );
}

/**
 * Called by the session issuers, with the user agents of the user's earlier sessions
 * (startSession): logs and mails a sign-in from a device the user has not used before.
 */
export async function noteSignInDevice(
  client: DbClient,
  input: { userId: number; sessionId: string; amr: string[]; client: ClientInfo; earlierAgents: readonly string[] },
  now = new Date(),
): Promise<void> {
  if (!isNewDevice(input.earlierAgents, input.client.userAgent)) return;
  const device = describeDevice(input.client.userAgent).label;
  // The event and its e-mail together, also when a sign-in without a transaction calls this.
  await atomically(client, async (tx) => {
    await recordSecurityEvent(
      {
        type: "session.new_device",
        userId: input.userId,
        client: input.client,
        details: { session: input.sessionId, device },
      },
      tx,
    );
    await notifySecurityEvent(
      {
        kind: "new_device_sign_in",
        method: describeSignInMethod(input.amr).label,
        userId: input.userId,
        ref: input.sessionId,
        client: input.client,
        now,
      },
      tx,
    );
  });
}

export type SecurityLinkView = { username: string; actions: string[] };

/** Whether a "this wasn't me" link can still be used, and what following it will do (for the page that offers the button). */
export async function describeSecurityLink(token: string, now = new Date()): Promise<SecurityLinkView | null> {
  const payload = await readSecurityLink(token, now);
  if (!payload) return null;
  const [user, used] = await Promise.all([
    db.user.findUnique({ where: { id: payload.u }, select: { username: true, linksRevokedAt: true } }),
    db.mailMessage.count({ where: { dedupeKey: securedKey(payload.k) } }),
  ]);
  if (!user || used > 0 || revokedByRecovery(payload, user.linksRevokedAt)) return null;
  const social = await describeSocialLinkRemoval(payload.u, payload.r, noticeTime(payload));
  return { username: user.username, actions: [...social, ...(await describeUndo(payload.u, payload.r))] };
}

/**
 * A recovery (cancelOutstandingLinks: password reset or change, sign-out everywhere, an admin 2FA
 * reset, a followed "This wasn't me" link) ends every link issued before it. Strictly before: the
 * notice a recovery itself sends (e.g. "Your password was changed") carries the same instant and
 * must stay usable by the owner.
 */
const revokedByRecovery = (payload: LinkPayload, linksRevokedAt: Date | null): boolean =>
  linksRevokedAt !== null && payload.i < linksRevokedAt.getTime();

const securedKey = (noticeKey: string) => `account_secured:${noticeKey}`.slice(0, 250);

export type SecuredAccount = {
  username: string;
  sessionsEnded: number;
  /** What was done, one line each, as the confirmation e-mail says it. */
  done: string[];
  /** A fresh password reset token: the page sends the owner on to choose a new password. */
  resetToken: string;
};

function securedMail(username: string, done: string[], client: ClientInfo, now: Date): MailContent {
  const origin = siteOrigin();
  return renderMail({
    site: siteName(),
    headline: "Your account was secured",
    greeting: `Hi ${username},`,
    paragraphs: [
      `As requested: ${done.join(" ")}`,
      "Choose a new password now (the page you were on offers it; otherwise ask for a reset link), then sign in and check your second factors.",
    ],
    facts: [
      ["When", formatWhen(now)],
      ["Device", describeDevice(client.userAgent).label],
      ["IP address", client.ip ?? "unknown"],
    ],
    action: { label: "Reset your password", url: `${origin}/forgot-password` },
    footer: `${siteName()} · ${origin}`,
  });
}

/**
 * "This wasn't me": undoes the change the notice reports (security-undo.ts), signs out every
 * session and trusted browser, revokes every API key, cancels every outstanding link, clears the
 * password and returns a fresh reset token so the owner sets a new one at once (whoever made the
 * change may know the old one). The link's holder has the mailbox the notice went to, which is
 * what a reset link proves too. The confirmation e-mail's dedupe key is the single-use mark,
 * checked under the user row lock so that concurrent uses queue and the second finds it taken;
 * `users.links_revoked_at`, which following the link (a recovery) sets, keeps it spent once
 * cleanup has deleted that mail row, and ends every other link issued before it.
 */
export async function secureAccountWithLink(
  token: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<SecuredAccount>> {
  const payload = await readSecurityLink(token, now);
  if (!payload) return fail("invalid_security_link");
  const user = await db.user.findUnique({ where: { id: payload.u }, select: { id: true, username: true } });
  if (!user) return fail("invalid_security_link");
  const key = securedKey(payload.k);
  const reportedAt = new Date((payload.e - SECURITY_LINK_DAYS * 86_400 + 1) * 1000);
  const secure = (restoreEmail: boolean) =>
    db.$transaction(async (tx): Promise<Result<SecuredAccount & { to: string }>> => {
      await tx.$queryRaw`SELECT id FROM users WHERE id = ${user.id} FOR UPDATE`;
      if ((await tx.mailMessage.count({ where: { dedupeKey: key } })) > 0) return fail("security_link_used");
      // Read under the lock: a recovery that committed first (this very link included) ends it.
      const locked = await tx.user.findUnique({ where: { id: user.id }, select: { linksRevokedAt: true } });
      if (revokedByRecovery(payload, locked?.linksRevokedAt ?? null)) return fail("invalid_security_link");
      const done = await describeUndo(user.id, payload.r, tx);
      done.unshift(...(await describeSocialLinkRemoval(user.id, payload.r, noticeTime(payload), tx)));
      const undone = await applyUndo(tx, user.id, payload.r, reportedAt, { restoreEmail, now });
      const socialLinksRemoved = await removeSocialLinks(tx, user.id, payload.r, noticeTime(payload), now);
      const restoreLine = done.findIndex((line) => line.startsWith("Change the e-mail address back"));
      if (undone.emailRestored === false && restoreLine >= 0) {
        done[restoreLine] =
          "The e-mail address could not be changed back: another account has confirmed the previous one. The account's current address is no longer trusted: it gets no reset links until you confirm an address of yours.";
      }
      const { count } = await revokeSessionsOf(tx, user.id, null, "not_me_link", now);
      const devices = await revokeAllTrustedDevices(tx, user.id, now);
      const keys = await tx.apiKey.updateMany({
        where: { userId: user.id, revokedAt: null },
        data: { revokedAt: now },
      });
      const links = await cancelOutstandingLinks(tx, user.id, now);
      const { email } = await tx.user.update({
        where: { id: user.id },
        data: { passwordHash: null },
        select: { email: true },
      });
      const reset = await createPasswordResetToken(tx, user.id, now);
      await recordSecurityEvent(
        {
          type: "account.secured_by_link",
          userId: user.id,
          client,
          details: {
            notice: payload.k,
            sessions: count,
            trusted_devices: devices,
            api_keys: keys.count,
            api_key_reported: payload.a ?? null,
            email_changes_cancelled: links.emailChanges,
            passkey_removed: undone.passkeyRemoved,
            totp_removed: undone.totpRemoved,
            backup_codes_deleted: undone.backupCodesDeleted,
            email_restored: undone.emailRestored,
            social_links_removed: socialLinksRemoved,
            email_released_from: undone.emailReleasedFrom,
          },
        },
        tx,
      );
      // The confirmation goes where the notice went: the previous address after an e-mail change.
      const to = payload.r?.t === "email" ? payload.r.from : email;
      if (!(await enqueueMail(tx, { dedupeKey: key, to, ...securedMail(user.username, done, client, now) }, now)))
        throw new Error("security link mark taken under the user lock");
      return ok({ username: user.username, sessionsEnded: count, done, resetToken: reset.token, to });
    });
  let result: Result<SecuredAccount & { to: string }>;
  try {
    result = await secure(true);
  } catch (error) {
    // Someone signed up with the previous address between the check and the update: secure the
    // account all the same, without giving the address back.
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    result = await secure(false);
  }
  if (!result.ok) return result;
  if (EMAIL.test(result.value.to)) await deliverNow(key);
  const { username, sessionsEnded, done, resetToken } = result.value;
  return ok({ username, sessionsEnded, done, resetToken });
}
