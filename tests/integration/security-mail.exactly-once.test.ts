import { proveSecondFactorNow } from "../helpers/step-up";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as apiKeys from "@/app/api/auth/api-keys/route";
import * as disable from "@/app/api/auth/2fa/disable/route";
import * as regenerate from "@/app/api/auth/2fa/backup-codes/regenerate/route";
import * as verify from "@/app/api/auth/verify/route";
import * as changePassword from "@/app/api/auth/password/change/route";
import * as forgot from "@/app/api/auth/password/forgot/route";
import * as reset from "@/app/api/auth/password/reset/route";
import * as removePasskey from "@/app/api/auth/2fa/passkey/remove/route";
import { db } from "@/lib/db";
import { consumeBackupCode } from "@/lib/auth/two-factor/backup-codes";
import { confirmEmailChange, requestEmailChange } from "@/lib/auth/account/email-change";
import { notifySecurityEvent } from "@/lib/auth/notices/security-mail";
import { issueWebSession } from "@/lib/auth/sessions/web-session";
import { settleMailDeliveries } from "@/lib/mail/outbox";
import { call, newClient } from "../helpers/http";
import { inbox, subjects, useSmtp } from "../helpers/mail";
import { overrideSettings } from "../helpers/settings";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { accessTokenFor, enrollTotp, freezeTime, passwordLogin, startSecondFactorLogin } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { addPasskey, newAuthenticator } from "../helpers/passkeys";

const CHROME_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const CHROME_MAC_NEWER = CHROME_MAC.replace("Chrome/120", "Chrome/121");
const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

const rowsOfKind = (kind: string) => db.mailMessage.count({ where: { dedupeKey: { startsWith: `${kind}:` } } });

describe("security e-mails: one per event, after the change commits", () => {
  it("a sign-in from a new device mails once; the first sign-in and a known device do not", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    await accessTokenFor(user, newClient("vitest"));
    expect(await inbox(smtp, user.email)).toEqual([]);

    await accessTokenFor(user, newClient(CHROME_MAC));
    const mails = await inbox(smtp, user.email);
    expect(subjects(mails)).toEqual(["New sign-in to your account"]);
    expect(mails[0]?.text).toContain("Chrome 120 on macOS");
    expect(mails[0]?.text).toMatch(/IP address: 10\.\d+\.\d+\.\d+/);
    expect(mails[0]?.html).toContain("Chrome 120 on macOS");

    // A browser update is the same device; the web issuer is hooked like the API one.
    await accessTokenFor(user, newClient(CHROME_MAC_NEWER));
    await db.$transaction((tx) =>
      issueWebSession(tx, { userId: user.id, amr: ["pwd"], client: newClient(FIREFOX_WINDOWS) }),
    );
    expect(subjects(await inbox(smtp, user.email))).toEqual([
      "New sign-in to your account",
      "New sign-in to your account",
    ]);
    expect(smtp.to(user.email)[1]?.text).toContain("Firefox 128 on Windows 10");
    expect(await rowsOfKind("new_device_sign_in")).toBe(2);
  });

  it("2FA enabled, backup codes regenerated, 2FA disabled: one e-mail each", async () => {
    freezeTime();
    useSmtp(smtp);
    const user = await makeUser();
    const { access } = await enrollTotp(user);
    expect(subjects(await inbox(smtp, user.email))).toEqual(["Two-factor authentication is on"]);
    await proveSecondFactorNow(access); // adding a factor (or new codes) needs a fresh second factor
    const client = newClient();
    expect(
      (
        await call(regenerate.POST, "POST", "/api/auth/2fa/backup-codes/regenerate", {
          client,
          token: access,
          body: {},
        })
      ).status,
    ).toBe(200);
    expect(
      (await call(disable.POST, "POST", "/api/auth/2fa/disable", { client, token: access, body: {} })).status,
    ).toBe(200);
    expect(subjects(await inbox(smtp, user.email))).toEqual([
      "Two-factor authentication is on",
      "New backup codes were generated",
      "Two-factor authentication is off",
    ]);
    for (const kind of ["two_factor_enabled", "backup_codes_regenerated", "two_factor_disabled"])
      expect(await rowsOfKind(kind)).toBe(1);
  });

  it("a factor added or removed: one e-mail each, naming it", async () => {
    freezeTime();
    useSmtp(smtp);
    const user = await makeUser();
    const { access } = await enrollTotp(user);
    await proveSecondFactorNow(access); // adding a factor (or new codes) needs a fresh second factor
    const passkey = await addPasskey(access, newAuthenticator(), "Desk key");
    const removed = await call(removePasskey.DELETE, "DELETE", "/api/auth/2fa/passkey/remove", {
      token: access,
      body: { credential_id: passkey.credential_id },
    });
    expect(removed.status, JSON.stringify(removed.json)).toBe(200);
    const mails = await inbox(smtp, user.email);
    expect(subjects(mails)).toEqual([
      "Two-factor authentication is on",
      "A second factor was added",
      "A second factor was removed",
    ]);
    expect(mails[1]?.text).toContain("A passkey “Desk key” was added");
  });

  it("backup codes running low: one mail at 2, 1 and 0 left, none before", async () => {
    freezeTime();
    useSmtp(smtp);
    const user = await makeUser();
    const { backupCodes } = await enrollTotp(user);
    smtp.clear();
    for (const code of backupCodes.slice(0, 5)) expect(await consumeBackupCode(db, user.id, code)).toBe(true);
    for (const code of backupCodes.slice(5)) {
      const client = newClient();
      const session_id = await startSecondFactorLogin(user, client);
      const res = await call(verify.POST, "POST", "/api/auth/verify", {
        client,
        body: { session_id, backup_code: code },
      });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    }
    const mails = await inbox(smtp, user.email);
    expect(subjects(mails)).toEqual([
      "You are running low on backup codes",
      "You are running low on backup codes",
      "You have no backup codes left",
    ]);
    expect(mails[0]?.text).toContain("Only 2 unused codes are left");
    expect(mails[1]?.text).toContain("Only 1 unused code is left");
  });

  it("API key created: once, naming the key", async () => {
    useSmtp(smtp);
    overrideSettings({ apiKeys: { enabled: true } });
    const user = await makeUser();
    const access = await accessTokenFor(user);
    const res = await call(apiKeys.POST, "POST", "/api/auth/api-keys", {
      token: access,
      body: { name: "deploy <bot>" },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const mails = await inbox(smtp, user.email);
    expect(subjects(mails)).toEqual(["A new API key was created"]);
    expect(mails[0]?.text).toContain("“deploy <bot>”");
    // Escaped in HTML, never markup.
    expect(mails[0]?.html).toContain("deploy &lt;bot&gt;");
    expect(mails[0]?.html).not.toContain("<bot>");
  });

  it("password changed, e-mail changed (notice to the old address, confirmation to the new), password reset", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    const access = await accessTokenFor(user);
    const client = newClient();
    const changed = await call(changePassword.POST, "POST", "/api/auth/password/change", {
      client,
      token: access,
      body: { password: user.password, new_password: "a new and long passphrase" },
    });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(subjects(await inbox(smtp, user.email))).toEqual(["Your password was changed"]);

    const session = await db.authSession.findFirstOrThrow({ where: { userId: user.id, revokedAt: null } });
    const actor = { userId: user.id, username: user.username, isStaff: false, sessionId: session.id };
    const newAddress = `${user.username}-new@example.org`;
    expect((await requestEmailChange(actor, newAddress, {}, client)).ok).toBe(true);
    const confirmation = await inbox(smtp, newAddress);
    expect(subjects(confirmation)).toEqual(["Confirm your new e-mail address"]);
    const token =
      new URL(
        linkIn(confirmation[0]?.text ?? "", "http://localhost:3000/account/profile/confirm-email?token="),
      ).searchParams.get("token") ?? "";
    expect((await confirmEmailChange(token, client)).ok).toBe(true);
    expect(subjects(await inbox(smtp, user.email))).toEqual([
      "Your password was changed",
      "Your e-mail address was changed",
    ]);
    expect(smtp.to(user.email)[1]?.text).toContain(`to ${newAddress}`);
    // The new address got its confirmation only.
    expect(subjects(await inbox(smtp, newAddress))).toEqual(["Confirm your new e-mail address"]);

    expect((await call(forgot.POST, "POST", "/api/auth/password/forgot", { body: { email: newAddress } })).status).toBe(
      200,
    );
    const resetMails = await inbox(smtp, newAddress);
    expect(subjects(resetMails)).toEqual(["Confirm your new e-mail address", "Reset your password"]);
    const resetToken =
      new URL(linkIn(resetMails[1]?.text ?? "", "http://localhost:3000/reset-password?token=")).searchParams.get(
        "token",
      ) ?? "";
    expect(
      (
        await call(reset.POST, "POST", "/api/auth/password/reset", {
          body: { token: resetToken, new_password: "yet another long passphrase" },
        })
      ).status,
    ).toBe(200);
    expect(subjects(await inbox(smtp, newAddress))).toEqual([
      "Confirm your new e-mail address",
      "Reset your password",
      "Your password was changed",
    ]);
    expect(smtp.to(newAddress)[2]?.text).toContain("was reset with a link");
    expect(await rowsOfKind("password_changed")).toBe(2);
  });

  it("running the hook twice for one event mails once; a rolled-back change never mails", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    const notice = { kind: "backup_codes_regenerated", userId: user.id, ref: "event-1" } as const;
    await notifySecurityEvent(notice);
    await notifySecurityEvent(notice);
    await Promise.all([notifySecurityEvent(notice), notifySecurityEvent(notice)]);
    expect(subjects(await inbox(smtp, user.email))).toEqual(["New backup codes were generated"]);

    await expect(
      db.$transaction(async (tx) => {
        await notifySecurityEvent({ ...notice, ref: "event-2" }, tx);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await settleMailDeliveries();
    expect(smtp.to(user.email)).toHaveLength(1);
    expect(await db.mailMessage.count({ where: { dedupeKey: { endsWith: ":event-2" } } })).toBe(0);
  });

  it("the stored copy of a message with a link has the link removed when SMTP delivers it", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    await passwordLogin(user);
    expect((await call(forgot.POST, "POST", "/api/auth/password/forgot", { body: { email: user.email } })).status).toBe(
      200,
    );
    const [mail] = await inbox(smtp, user.email);
    const link = linkIn(mail?.text ?? "", "http://localhost:3000/reset-password?token=");
    const stored = await db.mailMessage.findFirstOrThrow({
      where: { dedupeKey: { startsWith: "password_reset_link:" } },
    });
    expect(stored.sentAt).not.toBeNull();
    expect(stored.text).not.toContain(link);
    expect(stored.html).not.toContain(link.split("=")[1] ?? "missing");
    expect(stored.text).toContain("link removed from the stored copy");
  });
});
