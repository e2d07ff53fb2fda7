import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as apiKeys from "@/app/api/auth/api-keys/route";
import * as forgot from "@/app/api/auth/password/forgot/route";
import * as passwordReset from "@/app/api/auth/password/reset/route";
import * as me from "@/app/api/me/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { apiKeyAuth, enableApiKeys } from "../helpers/api-keys";
import { call } from "../helpers/http";
import { inbox, useSmtp } from "../helpers/mail";
import { addTrustedDevice, daysAhead } from "../helpers/security-seed";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { accessTokenFor } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

/** Finding 15.6: whoever knew the old password may have made API keys or trusted a browser. */

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

describe("a password reset", () => {
  it("revokes every API key, ends trusted browsers, and says so in the e-mail", async () => {
    useSmtp(smtp);
    enableApiKeys();
    const user = await makeUser();
    const access = await accessTokenFor(user);
    const keys = [];
    for (const name of ["ci", "planted"]) {
      const created = await call(apiKeys.POST, "POST", "/api/auth/api-keys", { token: access, body: { name } });
      expect(created.status).toBe(201);
      keys.push(created.json.api_key as string);
    }
    await addTrustedDevice(user.id, { expiresAt: daysAhead(new Date(), 20) });
    await call(forgot.POST, "POST", "/api/auth/password/forgot", { body: { email: user.email } });
    const resetMail = (await inbox(smtp, user.email)).find((m) => m.subject.includes("Reset your password"));
    const token =
      new URL(linkIn(resetMail?.text ?? "", `${settings.webauthn.origins[0]}/reset-password?token=`)).searchParams.get(
        "token",
      ) ?? "";
    smtp.clear();

    const reset = await call(passwordReset.POST, "POST", "/api/auth/password/reset", {
      body: { token, new_password: "a brand new passphrase 93" },
    });
    expect(reset.status).toBe(200);
    for (const key of keys)
      expect((await call(me.GET, "GET", "/api/me", { headers: apiKeyAuth(key) })).status).toBe(401);
    expect(await db.apiKey.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect(await db.trustedDevice.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    const [notice] = await inbox(smtp, user.email);
    expect(notice?.subject).toContain("Your password was changed");
    expect(notice?.text).toContain("every API key (2) was revoked");
    expect(notice?.text).toContain("trusted browser was signed out");
  });
});
