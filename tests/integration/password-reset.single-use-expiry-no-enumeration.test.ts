import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as forgot from "@/app/api/auth/password/forgot/route";
import * as reset from "@/app/api/auth/password/reset/route";
import * as me from "@/app/api/me/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { describePasswordReset, MAX_RESET_LINKS_PER_HOUR } from "@/lib/auth/password/reset";
import { sha256Hex } from "@/lib/auth/secrets";
import { settleMailDeliveries } from "@/lib/mail/outbox";
import { call, newClient } from "../helpers/http";
import { inbox, subjects, useSmtp } from "../helpers/mail";
import { overrideSettings } from "../helpers/settings";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { accessTokenFor, advanceTime, enrollTotp, freezeTime, passwordLogin } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

const askForLink = (email: string) => call(forgot.POST, "POST", "/api/auth/password/forgot", { body: { email } });
const useLink = (token: string, newPassword: string) =>
  call(reset.POST, "POST", "/api/auth/password/reset", { body: { token, new_password: newPassword } });

async function resetToken(email: string): Promise<string> {
  const mails = await inbox(smtp, email);
  const last = mails[mails.length - 1];
  return (
    new URL(linkIn(last?.text ?? "", `${settings.webauthn.origins[0]}/reset-password?token=`)).searchParams.get(
      "token",
    ) ?? ""
  );
}

describe("forgot password: no account enumeration", () => {
  it("answers the same for a known and an unknown address, and mails only the known one", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    const known = await askForLink(user.email);
    const unknown = await askForLink("nobody-here@example.com");
    const malformed = await askForLink("not an address");
    for (const res of [known, unknown, malformed]) {
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        message: "If an account uses this address, we sent it a link to reset the password.",
      });
    }
    expect(subjects(await inbox(smtp, user.email))).toEqual(["Reset your password"]);
    expect(smtp.messages).toHaveLength(1);
    expect(await db.passwordResetToken.count()).toBe(1);
  });

  it("answers before any lookup or mail: a slow mail server does not slow the answer for a known address", async () => {
    useSmtp(smtp);
    smtp.setDelay(1_500);
    try {
      const user = await makeUser();
      const timed = async (email: string) => {
        const started = performance.now();
        const res = await askForLink(email);
        return { status: res.status, ms: performance.now() - started };
      };
      const known = await timed(user.email);
      const unknown = await timed("nobody-at-all@example.com");
      expect(known.status).toBe(unknown.status);
      expect(known.ms).toBeLessThan(1_000);
      expect(unknown.ms).toBeLessThan(1_000);
      expect(subjects(await inbox(smtp, user.email))).toEqual(["Reset your password"]);
    } finally {
      smtp.setDelay(0);
    }
  });

  it("sends nothing to a deactivated account, and at most a few links per hour to any account", async () => {
    freezeTime();
    useSmtp(smtp);
    const inactive = await makeUser();
    await db.user.update({ where: { id: inactive.id }, data: { isActive: false } });
    expect((await askForLink(inactive.email)).status).toBe(200);
    const user = await makeUser();
    for (let i = 0; i <= MAX_RESET_LINKS_PER_HOUR; i++) expect((await askForLink(user.email)).status).toBe(200);
    await settleMailDeliveries();
    expect(smtp.to(inactive.email)).toEqual([]);
    expect(smtp.to(user.email)).toHaveLength(MAX_RESET_LINKS_PER_HOUR);
    advanceTime(3_600_000 + 1_000);
    await askForLink(user.email);
    expect(await inbox(smtp, user.email)).toHaveLength(MAX_RESET_LINKS_PER_HOUR + 1);
  });

  it("is rate-limited per client address (429), the same for every address", async () => {
    useSmtp(smtp);
    overrideSettings({ rateLimits: { login: { limit: 2, windowSeconds: 60 } } });
    const client = newClient();
    const ask = (email: string) => call(forgot.POST, "POST", "/api/auth/password/forgot", { client, body: { email } });
    const user = await makeUser();
    expect((await ask(user.email)).status).toBe(200);
    expect((await ask("someone@example.com")).status).toBe(200);
    const limited = await ask(user.email);
    expect(limited.status).toBe(429);
    expect(limited.json.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("reset link: hashed, single use, expiring", () => {
  it("stores only a hash, works once, and still asks for the second factor afterwards", async () => {
    freezeTime();
    useSmtp(smtp);
    const user = await makeUser();
    await enrollTotp(user);
    const other = await makeUser();
    const otherAccess = await accessTokenFor(other);

    await askForLink(user.email);
    const token = await resetToken(user.email);
    expect(token).toMatch(/^[\w-]{43}$/);
    const row = await db.passwordResetToken.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.tokenHash).toBe(sha256Hex(token));
    const everything =
      JSON.stringify(await db.mailMessage.findMany()) + JSON.stringify(await db.passwordResetToken.findMany());
    expect(everything).not.toContain(token);
    expect(await describePasswordReset(token)).toEqual({ username: user.username });

    const weak = await useLink(token, "short");
    expect(weak.status).toBe(400);
    expect(weak.json.code).toBe("weak_password");
    expect(await describePasswordReset(token)).not.toBeNull();

    const done = await useLink(token, "a completely new passphrase");
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    const again = await useLink(token, "yet another new passphrase");
    expect(again.status).toBe(400);
    expect(again.json.code).toBe("invalid_reset_token");
    expect(await describePasswordReset(token)).toBeNull();

    const login = await passwordLogin({ username: user.username, password: "a completely new passphrase" });
    expect(login.status).toBe(200);
    expect(login.json.requires_2fa).toBe(true);
    expect((await passwordLogin(user)).status).toBe(401);
    // Another account's session is untouched.
    expect((await call(me.GET, "GET", "/api/me", { token: otherAccess })).status).toBe(200);
  });

  it("signs out every session of the account", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    const access = await accessTokenFor(user);
    await askForLink(user.email);
    expect((await useLink(await resetToken(user.email), "a completely new passphrase")).status).toBe(200);
    const res = await call(me.GET, "GET", "/api/me", { token: access });
    expect(res.status).toBe(401);
  });

  it("of two concurrent uses exactly one wins", async () => {
    useSmtp(smtp);
    const user = await makeUser();
    await askForLink(user.email);
    const token = await resetToken(user.email);
    const results = await Promise.all([
      useLink(token, "first new passphrase here"),
      useLink(token, "second new passphrase here"),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it("expires after LOKDOWN_PASSWORD_RESET_MINUTES; unknown and malformed tokens read the same", async () => {
    freezeTime();
    useSmtp(smtp);
    const user = await makeUser();
    await askForLink(user.email);
    const token = await resetToken(user.email);
    advanceTime(settings.passwordResetMinutes * 60_000 + 1_000);
    for (const candidate of [token, "A".repeat(43), "' OR 1=1 --"]) {
      const res = await useLink(candidate, "a completely new passphrase");
      expect(res.status, candidate).toBe(400);
      expect(res.json).toMatchObject({
        code: "invalid_reset_token",
        error: "This password reset link is invalid or has expired",
      });
    }
    expect((await passwordLogin(user)).status).toBe(200);
  });
});
