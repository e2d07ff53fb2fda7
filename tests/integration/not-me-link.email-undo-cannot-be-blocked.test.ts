import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { confirmEmailChange, requestEmailChange } from "@/lib/auth/account/email-change";
import { requestEmailVerificationResend } from "@/lib/auth/account/email-verification";
import { requestPasswordReset } from "@/lib/auth/password/reset";
import { revokeOtherSessions } from "@/lib/auth/sessions/user-sessions";
import { secureAccountWithLink } from "@/lib/auth/notices/security-mail";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { settleMailDeliveries } from "@/lib/mail/outbox";
import { newClient } from "../helpers/http";
import { inbox, subjects, useSmtp } from "../helpers/mail";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { accessTokenFor } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

/**
 * Security review: the "This wasn't me" undo of an e-mail change gave the previous address back
 * only while the account still had the address it was changed to and no other account held the
 * previous one. An intruder blocked it by changing the address a second time, or by signing up a
 * throwaway account with the owner's address. Now the previous address comes back whatever the
 * current one is, an unconfirmed holder is moved aside, and when a confirmed holder blocks it the
 * intruder's address is no longer trusted for reset or confirmation links.
 */

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

type User = Awaited<ReturnType<typeof makeUser>>;

/** The intruder, signed in with the password, moves the account to `to` (confirming it from that mailbox). */
async function changeEmail(user: User, access: string, to: string): Promise<void> {
  const session = await decodeAccessToken(access);
  if (!session) throw new Error("no session");
  const asked = await requestEmailChange(
    { userId: user.id, username: user.username, isStaff: false, sessionId: session.sessionId },
    to,
    {},
    newClient("intruder"),
  );
  expect(asked.ok, JSON.stringify(asked)).toBe(true);
  const mail = (await inbox(smtp, to)).find((m) => m.text.includes("/account/profile/confirm-email?token="));
  const token =
    new URL(
      linkIn(mail?.text ?? "", `${settings.webauthn.origins[0]}/account/profile/confirm-email?token=`),
    ).searchParams.get("token") ?? "";
  expect((await confirmEmailChange(token, newClient("intruder"))).ok).toBe(true);
}

/** The "This wasn't me" link of the e-mail-change notice sent to `address`. */
async function undoLink(address: string): Promise<string> {
  const mail = (await inbox(smtp, address)).find((m) => m.subject.includes("Your e-mail address was changed"));
  if (!mail)
    throw new Error(`no e-mail change notice to ${address}: ${subjects(await inbox(smtp, address)).join(", ")}`);
  return (
    new URL(linkIn(mail.text, `${settings.webauthn.origins[0]}/secure-account?token=`)).searchParams.get("token") ?? ""
  );
}

const accountOf = (id: number) =>
  db.user.findUniqueOrThrow({ where: { id }, select: { email: true, emailVerifiedAt: true } });

describe("the e-mail undo of 'This wasn't me' cannot be blocked", () => {
  it("after a second change (victim → evil1 → evil2), undoing the first restores the original address", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    const access = await accessTokenFor(user, newClient("intruder"));
    const evil1 = `${user.username}@one.intruder.example.net`;
    const evil2 = `${user.username}@two.intruder.example.net`;
    await changeEmail(user, access, evil1);
    await changeEmail(user, access, evil2);
    expect((await accountOf(user.id)).email).toBe(evil2);
    const link = await undoLink(user.email);

    const secured = await secureAccountWithLink(link, newClient());
    if (!secured.ok) throw new Error(secured.code);
    const account = await accountOf(user.id);
    expect(account.email).toBe(user.email);
    // Following the link proved the mailbox: the restored address is confirmed.
    expect(account.emailVerifiedAt).not.toBeNull();
    expect(secured.value.done.join(" ")).not.toMatch(/could not be changed back/);
    expect(subjects(await inbox(smtp, user.email))).toContain("Your account was secured");
  });

  it("an unconfirmed account squatting the old address does not block the restore; it is moved to a placeholder", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    const access = await accessTokenFor(user, newClient("intruder"));
    await changeEmail(user, access, `${user.username}@intruder.example.net`);
    const link = await undoLink(user.email);
    // The intruder signs up a throwaway account with the owner's address (never confirmed).
    const squatter = await db.user.create({
      data: { username: `${user.username}-squat`, email: user.email, webauthnUserHandle: `squat-${user.id}` },
    });
    await db.emailVerificationToken.create({
      data: {
        userId: squatter.id,
        email: user.email,
        tokenHash: "v".repeat(64),
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });

    const secured = await secureAccountWithLink(link, newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect((await accountOf(user.id)).email).toBe(user.email);
    const moved = await accountOf(squatter.id);
    expect(moved.email).toMatch(new RegExp(`^released-${squatter.id}-[^@]+@address-released\\.invalid$`));
    expect(moved.emailVerifiedAt).toBeNull();
    expect(await db.emailVerificationToken.count({ where: { userId: squatter.id, usedAt: null } })).toBe(0);
    const event = await db.securityEvent.findFirstOrThrow({
      where: { userId: user.id, type: "account.secured_by_link" },
      select: { details: true },
    });
    expect(event.details).toMatchObject({ email_restored: true, email_released_from: squatter.id });
  });

  it("when a confirmed account holds the old address, the intruder's address is no longer trusted: no reset or confirmation link goes to it", async () => {
    useSmtp(smtp);
    const user = await makeUser({ emailVerified: true });
    const access = await accessTokenFor(user, newClient("intruder"));
    const stolen = `${user.username}@intruder.example.net`;
    await changeEmail(user, access, stolen);
    expect((await accountOf(user.id)).emailVerifiedAt).not.toBeNull();
    const link = await undoLink(user.email);
    await db.user.create({
      data: {
        username: `${user.username}-other`,
        email: user.email,
        emailVerifiedAt: new Date(),
        webauthnUserHandle: `other-${user.id}`,
      },
    });

    const secured = await secureAccountWithLink(link, newClient());
    if (!secured.ok) throw new Error(secured.code);
    expect(secured.value.done[0]).toMatch(/could not be changed back/);
    expect(await accountOf(user.id)).toEqual({ email: stolen, emailVerifiedAt: null });

    smtp.clear();
    const resetsBefore = await db.passwordResetToken.count({ where: { userId: user.id } });
    expect((await requestPasswordReset(stolen, newClient("intruder"))).ok).toBe(true);
    expect((await requestEmailVerificationResend(stolen, newClient("intruder"))).ok).toBe(true);
    await settleMailDeliveries();
    expect(await inbox(smtp, stolen)).toEqual([]);
    expect(await db.passwordResetToken.count({ where: { userId: user.id } })).toBe(resetsBefore);
    expect(await db.emailVerificationToken.count({ where: { userId: user.id } })).toBe(0);
  });

  it("an unconfirmed address after an ordinary recovery (sign out everywhere) still gets reset and confirmation links", async () => {
    useSmtp(smtp);
    // Every account from before e-mail confirmation existed is unconfirmed: recovery must not cut it off.
    const user = await makeUser();
    const access = await accessTokenFor(user);
    const claims = await decodeAccessToken(access);
    if (!claims) throw new Error("no session");
    const ended = await revokeOtherSessions(
      { userId: user.id, username: user.username, isStaff: false, sessionId: claims.sessionId },
      newClient(),
    );
    expect(ended.ok).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).linksRevokedAt).toBeInstanceOf(Date);

    smtp.clear();
    expect((await requestPasswordReset(user.email, newClient())).ok).toBe(true);
    expect((await requestEmailVerificationResend(user.email, newClient())).ok).toBe(true);
    await settleMailDeliveries();
    expect(subjects(await inbox(smtp, user.email)).sort()).toEqual(
      ["Confirm your e-mail address", "Reset your password"].sort(),
    );
  });
});
