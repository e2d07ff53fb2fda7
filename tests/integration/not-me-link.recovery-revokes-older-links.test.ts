import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as me from "@/app/api/me/route";
import * as passwordReset from "@/app/api/auth/password/reset/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { confirmEmailChange, requestEmailChange } from "@/lib/auth/account/email-change";
import { createPasswordResetToken } from "@/lib/auth/notices/outstanding-links";
import { describeSecurityLink, secureAccountWithLink } from "@/lib/auth/notices/security-mail";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { call, newClient } from "../helpers/http";
import { inbox, subjects, useSmtp } from "../helpers/mail";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { accessTokenFor, advanceTime, freezeTime } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

/**
 * Security review: a "This wasn't me" link clears the password and hands whoever follows it a reset
 * token, so it is a recovery capability. Every recovery (cancelOutstandingLinks) ends the links
 * issued before it — one an intruder kept, an older one, and the followed one itself even after the
 * scheduled cleanup has deleted its `account_secured:<notice>` mail row.
 */

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

const SAFARI_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

const notMeToken = (text: string) =>
  new URL(linkIn(text, `${settings.webauthn.origins[0]}/secure-account?token=`)).searchParams.get("token") ?? "";

async function linksIn(address: string, subject: string): Promise<string[]> {
  const mails = (await inbox(smtp, address)).filter((m) => m.subject.includes(subject));
  if (mails.length === 0)
    throw new Error(`no "${subject}" mail to ${address}: ${subjects(await inbox(smtp, address)).join(", ")}`);
  return mails.map((m) => notMeToken(m.text));
}

const codeOf = (result: { ok: boolean; code?: string }) => (result.ok ? "ok" : result.code);

describe("'This wasn't me' links end with the next recovery", () => {
  it("a link the intruder kept (notice sent to the address they set) is refused after the owner resets the password", async () => {
    freezeTime();
    useSmtp(smtp);
    const user = await makeUser();
    // The intruder knows the password: moves the account to their address...
    const access = await accessTokenFor(user, newClient("intruder"));
    const session = await decodeAccessToken(access);
    if (!session) throw new Error("no session");
    const evil = `${user.username}@intruder.example.net`;
    expect(
      (
        await requestEmailChange(
          { userId: user.id, username: user.username, isStaff: false, sessionId: session.sessionId },
          evil,
          {},
          newClient("intruder"),
        )
      ).ok,
    ).toBe(true);
    const confirmation =
      new URL(
        linkIn(
          (await inbox(smtp, evil))[0]?.text ?? "",
          `${settings.webauthn.origins[0]}/account/profile/confirm-email?token=`,
        ),
      ).searchParams.get("token") ?? "";
    expect((await confirmEmailChange(confirmation, newClient("intruder"))).ok).toBe(true);
    // ...and signs in from a new device: the notice, and its link, go to the intruder's address.
    advanceTime(1_000);
    await accessTokenFor(user, newClient(SAFARI_MAC));
    const [kept] = await linksIn(evil, "New sign-in");
    if (!kept) throw new Error("no link");

    // The owner recovers: the e-mail change is undone and the password reset.
    advanceTime(60_000);
    const [ownersLink] = await linksIn(user.email, "Your e-mail address was changed");
    const secured = await secureAccountWithLink(ownersLink ?? "", newClient());
    if (!secured.ok) throw new Error(secured.code);
    advanceTime(60_000);
    const reset = await call(passwordReset.POST, "POST", "/api/auth/password/reset", {
      body: { token: secured.value.resetToken, new_password: "the owner's new passphrase 42" },
    });
    expect(reset.status, JSON.stringify(reset.json)).toBe(200);
    const before = await db.user.findUniqueOrThrow({
      where: { id: user.id },
      select: { passwordHash: true, email: true },
    });
    const owner = await accessTokenFor({ ...user, password: "the owner's new passphrase 42" }, newClient());

    advanceTime(60_000);
    expect(await describeSecurityLink(kept)).toBeNull();
    const replay = await secureAccountWithLink(kept, newClient("intruder"));
    expect(codeOf(replay)).toBe("invalid_security_link");
    // The refusal changed nothing: the owner's password and session stand, no reset token was handed out.
    expect(
      await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true, email: true } }),
    ).toEqual(before);
    expect((await call(me.GET, "GET", "/api/me", { token: owner })).status).toBe(200);
    expect(await db.passwordResetToken.count({ where: { userId: user.id, usedAt: null } })).toBe(0);
  });

  it("a password reset alone (no link followed) ends a link issued before it", async () => {
    freezeTime();
    useSmtp(smtp);
    const user = await makeUser();
    await accessTokenFor(user, newClient("vitest"));
    await accessTokenFor(user, newClient(SAFARI_MAC));
    const [kept] = await linksIn(user.email, "New sign-in");
    advanceTime(60_000);
    const { token } = await createPasswordResetToken(db, user.id, new Date());
    expect(
      (
        await call(passwordReset.POST, "POST", "/api/auth/password/reset", {
          body: { token, new_password: "the owner's new passphrase 42" },
        })
      ).status,
    ).toBe(200);
    advanceTime(1_000);
    expect(codeOf(await secureAccountWithLink(kept ?? "", newClient()))).toBe("invalid_security_link");
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } })).not.toEqual({
      passwordHash: null,
    });
  });

  it("after the owner follows one link, an older link of another notice is refused", async () => {
    freezeTime();
    useSmtp(smtp);
    const user = await makeUser();
    await accessTokenFor(user, newClient("vitest"));
    await accessTokenFor(user, newClient(SAFARI_MAC));
    advanceTime(1_000);
    await accessTokenFor(user, newClient(FIREFOX_WINDOWS));
    const [older, newer] = await linksIn(user.email, "New sign-in");
    if (!older || !newer) throw new Error("expected two notices");
    advanceTime(60_000);
    const secured = await secureAccountWithLink(newer, newClient());
    if (!secured.ok) throw new Error(secured.code);
    advanceTime(1_000);
    expect(await describeSecurityLink(older)).toBeNull();
    expect(codeOf(await secureAccountWithLink(older, newClient()))).toBe("invalid_security_link");
    // The reset token the owner was handed is still the only live one: the refusal minted none.
    expect(await db.passwordResetToken.count({ where: { userId: user.id, usedAt: null } })).toBe(1);
  });

  it("a followed link stays spent after cleanup deletes its 'account secured' mail row", async () => {
    freezeTime();
    useSmtp(smtp);
    const user = await makeUser();
    await accessTokenFor(user, newClient("vitest"));
    await accessTokenFor(user, newClient(SAFARI_MAC));
    const [link] = await linksIn(user.email, "New sign-in");
    if (!link) throw new Error("no link");
    advanceTime(60_000);
    const secured = await secureAccountWithLink(link, newClient());
    if (!secured.ok) throw new Error(secured.code);
    const reset = await call(passwordReset.POST, "POST", "/api/auth/password/reset", {
      body: { token: secured.value.resetToken, new_password: "the owner's new passphrase 42" },
    });
    expect(reset.status).toBe(200);
    // What the scheduled cleanup does once LOKDOWN_AUDIT_RETENTION_DAYS have passed.
    advanceTime(2 * 86_400_000);
    const deleted = await db.mailMessage.deleteMany({
      where: { dedupeKey: { startsWith: "account_secured:" }, toAddress: user.email },
    });
    expect(deleted.count).toBe(1);

    expect(await describeSecurityLink(link)).toBeNull();
    expect(codeOf(await secureAccountWithLink(link, newClient()))).toBe("invalid_security_link");
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
    expect(after.passwordHash).not.toBeNull();
    expect(await db.passwordResetToken.count({ where: { userId: user.id, usedAt: null } })).toBe(0);
  });
});
