import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as userActions from "@/app/admin/users/actions";
import * as forgot from "@/app/api/auth/password/forgot/route";
import * as passwordChange from "@/app/api/auth/password/change/route";
import * as passwordReset from "@/app/api/auth/password/reset/route";
import * as sessionsRoute from "@/app/api/auth/sessions/route";
import * as sessionRoute from "@/app/api/auth/sessions/[id]/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { confirmEmailChange, describeEmailChange, requestEmailChange } from "@/lib/auth/account/email-change";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { WITH_MFA, signInBrowser } from "../helpers/admin";
import { withIdParam } from "../helpers/api-keys";
import { call, newClient } from "../helpers/http";
import { inbox, useSmtp } from "../helpers/mail";
import { giveTotp } from "../helpers/security-seed";
import { overrideSettings } from "../helpers/settings";
import { linkIn, startSmtpServer, type TestSmtpServer } from "../helpers/smtp";
import { accessTokenFor, advanceTime, freezeTime } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

/**
 * Finding 15.10: an intruder with the password asks for an e-mail change to an address they own;
 * the owner recovers the account; the intruder must not be able to confirm the change afterwards.
 */

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.stop();
});

const origin = () => settings.webauthn.origins[0];

async function lastLink(address: string, path: string): Promise<string> {
  const mails = await inbox(smtp, address);
  const last = mails[mails.length - 1];
  return new URL(linkIn(last?.text ?? "", `${origin()}${path}?token=`)).searchParams.get("token") ?? "";
}

/** The owner signed in, and an intruder signed in with the same password who asked for an e-mail change. */
async function intruderAskedForEmailChange() {
  useSmtp(smtp);
  const user = await makeUser();
  const ownerToken = await accessTokenFor(user, newClient("owner"));
  const intruderToken = await accessTokenFor(user, newClient("intruder"));
  const intruder = await decodeAccessToken(intruderToken);
  if (!intruder) throw new Error("no intruder session");
  const address = `${user.username}@intruder.example.net`;
  const requested = await requestEmailChange(
    { userId: user.id, username: user.username, isStaff: false, sessionId: intruder.sessionId },
    address,
    {},
    newClient("intruder"),
  );
  expect(requested.ok).toBe(true);
  const confirmation = await lastLink(address, "/account/profile/confirm-email");
  return { user, ownerToken, intruderToken, intruderSessionId: intruder.sessionId, address, confirmation };
}

async function expectChangeDead(
  scenario: { user: { id: number; email: string }; confirmation: string },
  code = "invalid_email_change_token",
) {
  const confirmed = await confirmEmailChange(scenario.confirmation, newClient("intruder"));
  expect(confirmed.ok ? "confirmed" : confirmed.code).toBe(code);
  expect((await db.user.findUniqueOrThrow({ where: { id: scenario.user.id } })).email).toBe(scenario.user.email);
}

describe("recovery cancels a pending e-mail change and every other outstanding link", () => {
  it("password reset", async () => {
    const scenario = await intruderAskedForEmailChange();
    expect(await describeEmailChange(scenario.confirmation)).toMatchObject({ newEmail: scenario.address });
    await call(forgot.POST, "POST", "/api/auth/password/forgot", { body: { email: scenario.user.email } });
    const first = await lastLink(scenario.user.email, "/reset-password");
    await call(forgot.POST, "POST", "/api/auth/password/forgot", { body: { email: scenario.user.email } });
    const second = await lastLink(scenario.user.email, "/reset-password");
    const reset = await call(passwordReset.POST, "POST", "/api/auth/password/reset", {
      body: { token: second, new_password: "a brand new passphrase 93" },
    });
    expect(reset.status).toBe(200);
    await expectChangeDead(scenario);
    expect(await db.passwordResetToken.count({ where: { userId: scenario.user.id, usedAt: null } })).toBe(0);
    const again = await call(passwordReset.POST, "POST", "/api/auth/password/reset", {
      body: { token: first, new_password: "the intruder's passphrase 17" },
    });
    expect(again.status).toBe(400);
  });

  it("password change", async () => {
    const scenario = await intruderAskedForEmailChange();
    const changed = await call(passwordChange.POST, "POST", "/api/auth/password/change", {
      token: scenario.ownerToken,
      body: {
        new_password: "a brand new passphrase 93",
        current_password: scenario.user.password,
        password: scenario.user.password,
      },
    });
    expect(changed.status).toBe(200);
    await expectChangeDead(scenario);
  });

  it("password change that keeps the other sessions still cancels it", async () => {
    const scenario = await intruderAskedForEmailChange();
    const changed = await call(passwordChange.POST, "POST", "/api/auth/password/change", {
      token: scenario.ownerToken,
      body: {
        new_password: "a brand new passphrase 93",
        keep_other_sessions: true,
        current_password: scenario.user.password,
        password: scenario.user.password,
      },
    });
    expect(changed.status).toBe(200);
    await expectChangeDead(scenario);
  });

  it("sign out everywhere", async () => {
    const scenario = await intruderAskedForEmailChange();
    const res = await call(sessionsRoute.DELETE, "DELETE", "/api/auth/sessions", { token: scenario.ownerToken });
    expect(res.status).toBe(200);
    await expectChangeDead(scenario);
  });

  it("an admin's 2FA reset", async () => {
    const scenario = await intruderAskedForEmailChange();
    await giveTotp(scenario.user.id);
    const admin = await makeUser({ staff: true });
    await signInBrowser(admin.id, WITH_MFA);
    const form = new FormData();
    form.set("user_id", String(scenario.user.id));
    form.set("reason", "Owner says the account was taken over");
    const done = await userActions.resetTwoFactorAction({}, form);
    expect(done.done).toMatch(/reset/);
    await expectChangeDead(scenario);
  });
});

describe("an e-mail change is bound to the session that asked for it", () => {
  it("dies with a clear error when that session is signed out", async () => {
    const scenario = await intruderAskedForEmailChange();
    const ended = await call(
      withIdParam(sessionRoute.DELETE),
      "DELETE",
      `/api/auth/sessions/${scenario.intruderSessionId}`,
      {
        token: scenario.ownerToken,
        params: { id: scenario.intruderSessionId },
      },
    );
    expect(ended.status).toBe(200);
    expect(await describeEmailChange(scenario.confirmation)).toEqual({ sessionEnded: true });
    await expectChangeDead(scenario, "email_change_session_ended");
  });

  it("dies when that session expires or sits idle, and works while it lives", async () => {
    freezeTime();
    overrideSettings({ sessionIdleMinutes: 30 });
    const scenario = await intruderAskedForEmailChange();
    advanceTime(31 * 60_000);
    await expectChangeDead(scenario, "email_change_session_ended");

    const live = await intruderAskedForEmailChange();
    advanceTime(10 * 60_000);
    const confirmed = await confirmEmailChange(live.confirmation, newClient());
    expect(confirmed.ok && confirmed.value.email).toBe(live.address);
  });

  it("a request with no session (rows from before sessions were recorded) never confirms", async () => {
    const scenario = await intruderAskedForEmailChange();
    await db.emailChangeRequest.updateMany({ where: { userId: scenario.user.id }, data: { sessionId: null } });
    await expectChangeDead(scenario, "email_change_session_ended");
  });
});
