import { describe, expect, it } from "vitest";
import * as verify from "@/app/api/auth/verify/route";
import * as tokenVerify from "@/app/api/auth/token/verify/route";
import * as verifyBackup from "@/app/api/auth/2fa/verify/backup/route";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verifyTotp from "@/app/api/auth/2fa/verify/totp/route";
import * as loginSetupTotp from "@/app/api/auth/login/setup/totp/route";
import * as loginVerifyTotp from "@/app/api/auth/login/verify/totp/route";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import {
  accessTokenFor,
  enrollTotp,
  freezeTime,
  passwordLogin,
  startSecondFactorLogin,
  totpNow,
} from "../helpers/two-factor";

async function wrongCodeFor(secret: string): Promise<string> {
  const near = await Promise.all([-1, 0, 1].map((o) => totpNow(secret, o)));
  return ["271828", "314159", "161803"].find((c) => !near.includes(c)) ?? "141421";
}

/** Every security event as text, to prove a secret appears nowhere in it. */
async function allEventText(): Promise<string> {
  const rows = await db.$queryRaw<{ t: string }[]>`SELECT e::text AS t FROM security_events e`;
  return rows.map((r) => r.t).join("\n");
}

describe("failed second-factor attempts are logged, without the code", () => {
  it("a wrong TOTP code at login writes totp.failed with user, IP and user agent", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient("Agent/1.0 (events test)");
    const session_id = await startSecondFactorLogin(user, client);
    const wrong = await wrongCodeFor(secret);
    for (const handler of [verify.POST, tokenVerify.POST]) {
      expect(
        (await call(handler, "POST", "/api/auth/verify", { client, body: { session_id, totp_token: wrong } })).status,
      ).toBe(401);
    }
    const events = await db.securityEvent.findMany({ where: { type: "totp.failed" } });
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(e.userId).toBe(user.id);
      expect(e.ipAddress).toBe(client.ip);
      expect(e.userAgent).toBe(client.userAgent);
    }
    expect(await allEventText()).not.toContain(wrong);
  });

  it("a wrong backup code writes backup_code.failed; neither it nor any part of it is stored", async () => {
    freezeTime();
    const user = await makeUser();
    await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    const attempts = ["QWERTYUPAS", "zxcv-bnmk-7"];
    expect(
      (await call(verify.POST, "POST", "/api/auth/verify", { client, body: { session_id, backup_code: attempts[0] } }))
        .status,
    ).toBe(401);
    expect(
      (
        await call(verifyBackup.POST, "POST", "/api/auth/2fa/verify/backup", {
          client,
          body: { session_id, backup_code: attempts[1] },
        })
      ).status,
    ).toBe(401);
    const events = await db.securityEvent.findMany({ where: { type: "backup_code.failed" } });
    expect(events).toHaveLength(2);
    for (const e of events) expect(e.userId).toBe(user.id);
    const text = await allEventText();
    // django-lokdown kept the first three characters (W15); we keep none.
    for (const attempt of attempts) {
      expect(text).not.toContain(attempt);
      expect(text.toUpperCase()).not.toContain(attempt.toUpperCase().replace(/-/g, "").slice(0, 4));
    }
  });

  it("a successful code leaves no failure event", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret, backupCodes } = await enrollTotp(user);
    const client = newClient();
    const session_id = await startSecondFactorLogin(user, client);
    expect(
      (
        await call(verify.POST, "POST", "/api/auth/verify", {
          client,
          body: { session_id, totp_token: await totpNow(secret) },
        })
      ).status,
    ).toBe(200);
    expect(await db.securityEvent.count({ where: { type: { in: ["totp.failed", "backup_code.failed"] } } })).toBe(0);
    const text = await allEventText();
    for (const code of backupCodes) expect(text).not.toContain(code);
    expect(text).not.toContain(secret);
  });

  it("a wrong code while enrolling TOTP is logged as totp.failed", async () => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    const access = await accessTokenFor(user, client);
    const setup = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: access });
    const wrong = await wrongCodeFor(setup.json.secret as string);
    expect(
      (
        await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
          client,
          token: access,
          body: { totp_token: wrong },
        })
      ).status,
    ).toBe(401);
    const events = await db.securityEvent.findMany({ where: { type: "totp.failed", userId: user.id } });
    expect(events).toHaveLength(1);
    expect(await allEventText()).not.toContain(wrong);
  });

  it("a wrong code during staff first-login enrollment is logged as totp.failed", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const client = newClient();
    const start = await passwordLogin(staff, client);
    const session_id = start.json.session_id as string;
    const setup = await call(loginSetupTotp.POST, "POST", "/api/auth/login/setup/totp", {
      client,
      body: { session_id },
    });
    const wrong = await wrongCodeFor(setup.json.secret as string);
    expect(
      (
        await call(loginVerifyTotp.POST, "POST", "/api/auth/login/verify/totp", {
          client,
          body: { session_id, totp_token: wrong },
        })
      ).status,
    ).toBe(401);
    expect(await db.securityEvent.count({ where: { type: "totp.failed", userId: staff.id } })).toBe(1);
    expect(await allEventText()).not.toContain(wrong);
  });
});
