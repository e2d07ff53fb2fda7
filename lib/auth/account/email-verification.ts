import "server-only";
import { db, type Tx } from "@/lib/db";
import { settings } from "@/lib/env";
import { deliverNow, enqueueMail, runInBackground } from "@/lib/mail/outbox";
import { renderMail, type MailContent } from "@/lib/mail/templates";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { checkAttempt } from "../rate-limit";
import { addressUntrustedAfterRecovery } from "../notices/outstanding-links";
import { randomToken, sha256Hex } from "../secrets";
import { siteName, siteOrigin } from "../site";

/**
 * Proof that the owner of an account controls its e-mail address (OWASP ASVS V6, pre-account
 * takeover): sign-up sends a single-use link (random 256-bit token, stored as SHA-256, valid
 * LOKDOWN_EMAIL_VERIFICATION_HOURS). Opening it sets users.email_verified_at, but only while the
 * account still has the address the link was sent to. Only a verified address is ever linked to
 * a social sign-in; with LOKDOWN_EMAIL_VERIFICATION=required an unverified account cannot sign in.
 */

/** Links per account per hour; further requests send nothing (mail bombing). */
export const MAX_VERIFICATION_LINKS_PER_HOUR = 3;

/** Where the link points; the page asks for a click before spending it (mail scanners open links). */
export const VERIFY_EMAIL_PATH = "/verify-email";
/** The page that sends a new link to an account that cannot sign in yet. */
export const RESEND_VERIFICATION_PATH = "/verify-email/resend";

const TOKEN = /^[\w-]{43}$/;
/** What could be an address or username worth looking up: no control characters or broken UTF-16. */
const LOOKUP_SAFE = /^[^\p{Cc}\ud800-\udfff]{3,254}$/u;

export function emailVerificationRequired(): boolean {
  return settings.emailVerification.required;
}

/** How long a link works, for the pages that say so. */
export function emailVerificationHours(): number {
  return settings.emailVerification.linkHours;
}

function verificationMail(username: string, email: string, url: string | null): MailContent {
  const origin = siteOrigin();
  return renderMail({
    site: siteName(),
    headline: "Confirm your e-mail address",
    greeting: `Hi ${username},`,
    paragraphs: [
      `Confirm that ${email} is the e-mail address of your account ${username}. The link works once, for ${settings.emailVerification.linkHours} hours.`,
      "If you did not create this account, ignore this e-mail: the address stays unconfirmed and is never linked to another sign-in.",
    ],
    action: {
      label: "Confirm my address",
      url: url ?? `${origin}${VERIFY_EMAIL_PATH} (link removed from the stored copy)`,
    },
    footer: `${siteName()} · ${origin}`,
  });
}

/**
 * Writes a verification link for the account's current address into the outbox, inside `tx`
 * (the user row is locked so the hourly cap holds under concurrent requests). Returns the mail's
 * dedupe key, or null when the account is verified already, inactive, or at the cap.
 */
async function queueVerificationLink(tx: Tx, userId: number, client: ClientInfo, now: Date): Promise<string | null> {
  await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`;
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { username: true, email: true, isActive: true, emailVerifiedAt: true },
  });
  if (!user?.isActive || user.emailVerifiedAt) return null;
  const recent = await tx.emailVerificationToken.count({
    where: { userId, createdAt: { gt: new Date(now.getTime() - 3_600_000) } },
  });
  if (recent >= MAX_VERIFICATION_LINKS_PER_HOUR) return null;
  const token = randomToken(32);
  const row = await tx.emailVerificationToken.create({
    data: {
      userId,
      email: user.email,
      tokenHash: sha256Hex(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + settings.emailVerification.linkHours * 3_600_000),
    },
    select: { id: true },
  });
  await recordSecurityEvent({ type: "email.verification_sent", userId, client, details: { link: row.id } }, tx);
  const full = verificationMail(user.username, user.email, `${siteOrigin()}${VERIFY_EMAIL_PATH}?token=${token}`);
  const redacted = verificationMail(user.username, user.email, null);
  const key = `email_verification:${userId}:${row.id}`;
  await enqueueMail(
    tx,
    { dedupeKey: key, to: user.email, ...full, redacted: { text: redacted.text, html: redacted.html } },
    now,
  );
  return key;
}

/** Sends a confirmation link to an unverified account (after sign-up, or when its owner asks again). */
export async function sendEmailVerification(userId: number, client: ClientInfo, now = new Date()): Promise<void> {
  const key = await db.$transaction((tx) => queueVerificationLink(tx, userId, client, now));
  if (key) await deliverNow(key);
}

/**
 * "Send the link again" for someone who cannot sign in yet. Answers the same at once for every
 * input: the lookup and the mail happen after the answer, so neither reply nor timing tells
 * whether an account exists or is verified. Rate-limited per IP like a reset request.
 */
export async function requestEmailVerificationResend(
  identifier: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const limited = await checkAttempt("password_reset", { ip: client.ip }, now);
  if (!limited.ok) return limited;
  const value = identifier.trim().toLowerCase();
  if (LOOKUP_SAFE.test(value)) {
    runInBackground(async () => {
      const user = await db.user.findFirst({
        where: value.includes("@") ? { email: value } : { username: value },
        select: { id: true, emailVerifiedAt: true, emailUntrustedAt: true },
      });
      // Confirming the address an undo could not replace would make the intruder's address trusted again.
      if (user && !addressUntrustedAfterRecovery(user)) await sendEmailVerification(user.id, client, now);
    });
  }
  return ok(undefined);
}

type UsableLink = { id: string; userId: number; username: string; email: string };

async function findUsableLink(token: string, now: Date): Promise<UsableLink | null> {
  if (!TOKEN.test(token)) return null;
  const row = await db.emailVerificationToken.findUnique({
    where: { tokenHash: sha256Hex(token) },
    select: {
      id: true,
      email: true,
      usedAt: true,
      expiresAt: true,
      user: { select: { id: true, username: true, email: true, isActive: true } },
    },
  });
  // A link for an address the account no longer has proves nothing about the current one.
  if (!row || row.usedAt || row.expiresAt <= now || !row.user.isActive || row.user.email !== row.email) return null;
  return { id: row.id, userId: row.user.id, username: row.user.username, email: row.email };
}

/** For the confirmation page: whose address the link would confirm, or null when it cannot be used. */
export async function describeEmailVerification(
  token: string,
  now = new Date(),
): Promise<{ username: string; email: string } | null> {
  const found = await findUsableLink(token, now);
  return found ? { username: found.username, email: found.email } : null;
}

/**
 * Opens the link: spent by a conditional update (single use under concurrency); the address is
 * marked verified in the same transaction, and only if it is still the one the link was sent to.
 */
export async function confirmEmailVerification(
  token: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ username: string; email: string }>> {
  const found = await findUsableLink(token, now);
  if (!found) return fail("invalid_email_verification_token");
  return db.$transaction(async (tx): Promise<Result<{ username: string; email: string }>> => {
    const spent = await tx.emailVerificationToken.updateMany({
      where: { id: found.id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (spent.count !== 1) return fail("invalid_email_verification_token");
    const marked = await tx.user.updateMany({
      where: { id: found.userId, email: found.email, isActive: true },
      data: { emailVerifiedAt: now, emailUntrustedAt: null },
    });
    if (marked.count !== 1) return fail("invalid_email_verification_token");
    // Every other outstanding link of the account is done too.
    await tx.emailVerificationToken.updateMany({
      where: { userId: found.userId, usedAt: null },
      data: { usedAt: now },
    });
    await recordSecurityEvent(
      { type: "email.verified", userId: found.userId, client, details: { link: found.id } },
      tx,
    );
    return ok({ username: found.username, email: found.email });
  });
}

/** Whether the account's current address is verified. */
export async function isEmailVerified(userId: number): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } });
  return Boolean(user?.emailVerifiedAt);
}

/**
 * The sign-in gate of LOKDOWN_EMAIL_VERIFICATION=required, checked after the first factor proved
 * who is signing in (so it reveals nothing to someone without the password).
 */
export async function checkEmailVerifiedForSignIn(userId: number): Promise<Result<void>> {
  if (!settings.emailVerification.required) return ok(undefined);
  return (await isEmailVerified(userId)) ? ok(undefined) : fail("email_not_verified");
}
