import "server-only";
import { db, type DbClient } from "@/lib/db";
import { singleLine } from "@/lib/mail/templates";
import { cancelOutstandingLinks } from "./outstanding-links";
import { randomToken } from "../secrets";

/**
 * What a "This wasn't me" link undoes, beyond ending every session, trusted browser, API key and
 * outstanding link. It travels inside the signed link (lib/auth/notices/security-mail.ts), so the notice
 * names exactly the change it reports and nobody can point a link at another one:
 *  - passkey: the passkey that was added (by its row id);
 *  - totp: the authenticator app that was set up, if it is still the one set up then;
 *  - codes: the backup codes (set when the report is of 2FA being turned on or codes regenerated:
 *    whoever did it saw them);
 *  - email: the e-mail change, reverted to the previous address whatever the account's address is
 *    now (a second change must not block the undo of the first), taking it back from an account
 *    that holds it without ever having confirmed it.
 *  - social: the social (OAuth) account that was linked (by its row id).
 */
export type SecurityUndo =
  | { t: "passkey"; id: number; codes?: true }
  | { t: "totp"; codes?: true }
  | { t: "codes" }
  | { t: "email"; from: string; to: string }
  | { t: "social"; id: number };

/** The undo a link carries for a notice, or undefined when the change cannot be undone (a removal). */
export type UndoSource =
  | { kind: "two_factor_enabled" | "factor_added"; method: "totp" | "passkey"; passkeyId?: number }
  | { kind: "backup_codes_regenerated" }
  | { kind: "email_changed"; previousEmail: string; newEmail: string }
  | { kind: "social_linked"; oAuthAccountId: number }
  | { kind: string };

export function undoFor(notice: UndoSource): SecurityUndo | undefined {
  if ((notice.kind === "two_factor_enabled" || notice.kind === "factor_added") && "method" in notice) {
    // Turning 2FA on shows fresh backup codes to whoever did it.
    const codes = notice.kind === "two_factor_enabled" ? { codes: true as const } : {};
    if (notice.method === "totp") return { t: "totp", ...codes };
    if (notice.passkeyId !== undefined) return { t: "passkey", id: notice.passkeyId, ...codes };
    return undefined;
  }
  if (notice.kind === "backup_codes_regenerated") return { t: "codes" };
  if (notice.kind === "email_changed" && "previousEmail" in notice)
    return { t: "email", from: notice.previousEmail, to: notice.newEmail };
  if (notice.kind === "social_linked" && "oAuthAccountId" in notice) return { t: "social", id: notice.oAuthAccountId };
  return undefined;
}

const isAddress = (v: unknown): v is string => typeof v === "string" && v.length <= 254 && v.includes("@");

/** Reads the `r` field of a verified link payload; anything malformed is no undo at all. */
export function parseUndo(raw: unknown): SecurityUndo | undefined | null {
  if (raw === undefined) return undefined;
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const codes = r.codes === true ? { codes: true as const } : {};
  switch (r.t) {
    case "passkey":
      return Number.isSafeInteger(r.id) && (r.id as number) > 0 ? { t: "passkey", id: r.id as number, ...codes } : null;
    case "totp":
      return { t: "totp", ...codes };
    case "codes":
      return { t: "codes" };
    case "email":
      return isAddress(r.from) && isAddress(r.to) ? { t: "email", from: r.from, to: r.to } : null;
    case "social":
      return Number.isSafeInteger(r.id) && (r.id as number) > 0 ? { t: "social", id: r.id as number } : null;
    default:
      return null;
  }
}

/** One line per thing the link will do, for the page that offers the button and the confirmation e-mail. */
export async function describeUndo(
  userId: number,
  undo: SecurityUndo | undefined,
  client: DbClient = db,
): Promise<string[]> {
  const lines: string[] = [];
  if (undo?.t === "passkey") {
    const passkey = await client.passkeyCredential.findFirst({
      where: { id: undo.id, userId },
      select: { name: true },
    });
    if (passkey) lines.push(`Remove the passkey “${singleLine(passkey.name).slice(0, 64)}” that was added.`);
  }
  if (undo?.t === "totp") lines.push("Remove the authenticator app that was set up.");
  if (undo && "codes" in undo && undo.codes)
    lines.push("Delete the backup codes (generate new ones after signing in).");
  if (undo?.t === "codes")
    lines.push("Delete the backup codes that were generated (generate new ones after signing in).");
  if (undo?.t === "email")
    lines.push(`Change the e-mail address back from ${singleLine(undo.to)} to ${singleLine(undo.from)}.`);
  lines.push(
    "Sign out every session and trusted browser.",
    "Revoke every API key.",
    "Cancel pending e-mail changes and password reset links.",
    "Clear your password: you choose a new one right after.",
  );
  return lines;
}

export type UndoOutcome = {
  passkeyRemoved: boolean;
  totpRemoved: boolean;
  backupCodesDeleted: number;
  emailRestored: boolean | null;
  /** The account that held the previous address unconfirmed and was given a placeholder instead. */
  emailReleasedFrom: number | null;
};

/**
 * Where an account that squatted an address it never confirmed is moved to: a reserved domain
 * (RFC 2606 .invalid) that never receives mail, random so nobody can sign up with it first.
 */
const releasedAddress = (userId: number): string =>
  `released-${userId}-${randomToken(9).toLowerCase()}@address-released.invalid`;

type EmailUndo = Extract<SecurityUndo, { t: "email" }>;

/**
 * Gives the account its previous address back. Following the link proves that mailbox now, so the
 * address counts as confirmed. Another account holding the address blocks this only if it
 * confirmed it: one that never did (a sign-up squatting the address to block the undo) is moved to
 * a placeholder address and its outstanding links are cancelled — it never proved the mailbox, the
 * link's holder just did. When the address cannot come back, the account's current address (most
 * likely the intruder's) is marked unconfirmed, so it no longer receives reset or confirmation
 * links (lib/auth/password/reset.ts, lib/auth/account/email-verification.ts).
 */
async function restorePreviousAddress(
  tx: DbClient,
  userId: number,
  undo: EmailUndo,
  outcome: UndoOutcome,
  options: { restoreEmail: boolean; now: Date },
): Promise<void> {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) return;
  if (user.email === undo.from) {
    outcome.emailRestored = true;
    return;
  }
  let free = options.restoreEmail;
  if (free) {
    const holder = await tx.user.findUnique({
      where: { email: undo.from },
      select: { id: true, emailVerifiedAt: true },
    });
    if (holder?.emailVerifiedAt) free = false;
    else if (holder) {
      await tx.$queryRaw`SELECT id FROM users WHERE id = ${holder.id} FOR UPDATE`;
      const released = await tx.user.updateMany({
        where: { id: holder.id, email: undo.from, emailVerifiedAt: null },
        data: { email: releasedAddress(holder.id) },
      });
      free = released.count === 1;
      if (free) {
        outcome.emailReleasedFrom = holder.id;
        await tx.emailVerificationToken.updateMany({
          where: { userId: holder.id, usedAt: null },
          data: { usedAt: options.now },
        });
        await cancelOutstandingLinks(tx, holder.id, options.now);
      }
    }
  }
  outcome.emailRestored = free;
  await tx.user.update({
    where: { id: userId },
    data: free
      ? { email: undo.from, emailVerifiedAt: options.now, emailUntrustedAt: null }
      : { emailVerifiedAt: null, emailUntrustedAt: options.now },
  });
}

/**
 * Undoes the reported change inside the caller's transaction (the user row is locked by then).
 * `reportedAt` is when the notice was made: an authenticator app set up later is the owner's own
 * and stays. The previous address comes back unless another account confirmed it
 * (restorePreviousAddress); `restoreEmail` false (a concurrent sign-up took it) skips the attempt.
 */
export async function applyUndo(
  tx: DbClient,
  userId: number,
  undo: SecurityUndo | undefined,
  reportedAt: Date,
  options: { restoreEmail?: boolean; now?: Date } = {},
): Promise<UndoOutcome> {
  const outcome: UndoOutcome = {
    passkeyRemoved: false,
    totpRemoved: false,
    backupCodesDeleted: 0,
    emailRestored: null,
    emailReleasedFrom: null,
  };
  if (!undo) return outcome;
  if (undo.t === "passkey") {
    outcome.passkeyRemoved = (await tx.passkeyCredential.deleteMany({ where: { id: undo.id, userId } })).count === 1;
  }
  if (undo.t === "totp") {
    outcome.totpRemoved =
      (await tx.totpDevice.deleteMany({ where: { userId, confirmedAt: { lte: reportedAt } } })).count === 1;
  }
  if (undo.t === "codes" || ("codes" in undo && undo.codes)) {
    outcome.backupCodesDeleted = (await tx.backupCode.deleteMany({ where: { userId } })).count;
  }
  if (undo.t === "email")
    await restorePreviousAddress(tx, userId, undo, outcome, {
      restoreEmail: options.restoreEmail ?? true,
      now: options.now ?? new Date(),
    });
  if (outcome.passkeyRemoved || outcome.totpRemoved) {
    // With its last factor gone, leftover backup codes would be a second factor on their own.
    const [totp, passkeys] = await Promise.all([
      tx.totpDevice.count({ where: { userId, secretEncrypted: { not: null } } }),
      tx.passkeyCredential.count({ where: { userId } }),
    ]);
    if (totp === 0 && passkeys === 0)
      outcome.backupCodesDeleted += (await tx.backupCode.deleteMany({ where: { userId } })).count;
    await tx.webAuthnChallenge.deleteMany({ where: { userId } });
  }
  return outcome;
}
