import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as apiKeys from "@/app/api/auth/api-keys/route";
import * as me from "@/app/api/me/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { sha256Hex } from "@/lib/auth/secrets";
import { describeSecurityLink, SECURITY_LINK_DAYS, secureAccountWithLink } from "@/lib/auth/notices/security-mail";
import { apiKeyAuth, enableApiKeys } from "../helpers/api-keys";
import { call, newClient } from "../helpers/http";
import { inbox, subjects, useSmtp } from "../helpers/mail";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { accessTokenFor, advanceTime, freezeTime } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { withClaims, withForgedSignature } from "../helpers/signed-token";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

const SAFARI_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";

const notMeToken = (text: string) =>
  new URL(linkIn(text, `${settings.webauthn.origins[0]}/secure-account?token=`)).searchParams.get("token") ?? "";

/** A user signed in twice (the second from a new device, which mails a notice); returns the notice's link token. */
async function userWithNotice() {
  const user = await makeUser();
  const first = await accessTokenFor(user, newClient("vitest"));
  const second = await accessTokenFor(user, newClient(SAFARI_MAC));
  const [notice] = await inbox(smtp, user.email);
  expect(notice?.subject).toContain("New sign-in");
  return { user, tokens: [first, second], link: notMeToken(notice?.text ?? "") };
}

describe("'This wasn't me' links", () => {
  it("sign out every session, cancel pending links, confirm by e-mail, and work once", async () => {
    useSmtp(smtp);
    const { user, tokens, link } = await userWithNotice();
    await db.passwordResetToken.create({
      data: { userId: user.id, tokenHash: "x".repeat(64), expiresAt: new Date(Date.now() + 3_600_000) },
    });
    await db.emailChangeRequest.create({
      data: {
        userId: user.id,
        newEmail: "attacker@example.org",
        tokenHash: "y".repeat(64),
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    expect(await describeSecurityLink(link)).toMatchObject({ username: user.username });
    // Opening the page (describeSecurityLink) changed nothing.
    for (const token of tokens) expect((await call(me.GET, "GET", "/api/me", { token })).status).toBe(200);

    const secured = await secureAccountWithLink(link, newClient());
    expect(secured.ok && secured.value).toMatchObject({ username: user.username, sessionsEnded: 2 });
    for (const token of tokens) expect((await call(me.GET, "GET", "/api/me", { token })).status).toBe(401);
    // The planted reset link is spent; the only live one is the fresh link handed to the owner.
    const live = await db.passwordResetToken.findMany({
      where: { userId: user.id, usedAt: null },
      select: { tokenHash: true },
    });
    expect(live).toEqual([{ tokenHash: sha256Hex(secured.ok ? secured.value.resetToken : "") }]);
    expect(await db.emailChangeRequest.count({ where: { userId: user.id, usedAt: null } })).toBe(0);
    expect(subjects(await inbox(smtp, user.email))).toEqual([
      "New sign-in to your account",
      "Your account was secured",
    ]);

    const again = await secureAccountWithLink(link, newClient());
    expect(again.ok ? "ok" : again.code).toBe("security_link_used");
    expect(await describeSecurityLink(link)).toBeNull();
    const concurrent = await Promise.all([
      secureAccountWithLink(link, newClient()),
      secureAccountWithLink(link, newClient()),
    ]);
    expect(concurrent.every((r) => !r.ok)).toBe(true);
    expect(smtp.to(user.email)).toHaveLength(2);
  });

  it("refuse a forged, altered or expired link", async () => {
    freezeTime();
    useSmtp(smtp);
    const { user, link } = await userWithNotice();
    const forged = [
      withClaims(link, { u: user.id + 1 }),
      withClaims(link, { k: "x", exp: 9_999_999_999 }),
      withForgedSignature(link),
      `${link}x`,
      link.slice(0, -2),
    ];
    for (const candidate of [...forged, "garbage", ""]) {
      const res = await secureAccountWithLink(candidate, newClient());
      expect(res.ok ? "ok" : res.code, candidate).toBe("invalid_security_link");
    }
    advanceTime(SECURITY_LINK_DAYS * 86_400_000 + 1_000);
    expect(await describeSecurityLink(link)).toBeNull();
    const late = await secureAccountWithLink(link, newClient());
    expect(late.ok ? "ok" : late.code).toBe("invalid_security_link");
  });

  it("from an 'API key created' notice also revokes that key", async () => {
    useSmtp(smtp);
    enableApiKeys();
    const user = await makeUser();
    const access = await accessTokenFor(user);
    const created = await call(apiKeys.POST, "POST", "/api/auth/api-keys", {
      token: access,
      body: { name: "unknown to me" },
    });
    expect(created.status).toBe(201);
    const key = created.json.api_key as string;
    const [notice] = await inbox(smtp, user.email);
    expect(notice?.subject).toContain("A new API key was created");
    expect((await call(me.GET, "GET", "/api/me", { headers: apiKeyAuth(key) })).status).toBe(200);
    expect((await secureAccountWithLink(notMeToken(notice?.text ?? ""), newClient())).ok).toBe(true);
    expect((await call(me.GET, "GET", "/api/me", { headers: apiKeyAuth(key) })).status).toBe(401);
  });
});
