import { describe, expect, it } from "vitest";
import * as disable from "@/app/api/auth/2fa/disable/route";
import * as regenerate from "@/app/api/auth/2fa/backup-codes/regenerate/route";
import * as changePassword from "@/app/api/auth/password/change/route";
import * as reauthenticate from "@/app/api/auth/reauthenticate/route";
import { db } from "@/lib/db";
import { passedSecondFactor } from "@/lib/auth/policy/amr";
import { completePendingLogin } from "@/lib/auth/login/second-factor-step";
import { SECOND_FACTOR_ORDER } from "@/lib/auth/login/second-factor-order";
import { sha256Hex } from "@/lib/auth/secrets";
import { describeSignInMethod } from "@/lib/auth/sessions/user-sessions";
import { describePendingLogin, signInWithPassword } from "@/lib/auth/login/sign-in";
import {
  listTrustedDevices,
  revokeAllTrustedDevicesOf,
  revokeOwnTrustedDevice,
  revokeTrustedDevice,
  trustBrowser,
} from "@/lib/auth/login/trusted-devices";
import { issueWebSession, type WebSessionToken } from "@/lib/auth/sessions/web-session";
import { call, newClient, type Client } from "../helpers/http";
import { addPasskey, newAuthenticator } from "../helpers/passkeys";
import { overrideSettings } from "../helpers/settings";
import { claimsOf, withClaims, withForgedSignature } from "../helpers/signed-token";
import { advanceTime, enrollStaffTotp, enrollTotp, freezeTime, STEP_MS, totpNow } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

type LoginUser = { id: number; username: string; password: string };

/** Password sign-in in the browser's way (issueWebSession), passing the trusted-browser cookie if any. */
function webPasswordSignIn(user: LoginUser, client: Client, cookie: string | null = null) {
  return signInWithPassword(
    { username: user.username, password: user.password, trustedBrowser: cookie },
    client,
    issueWebSession,
  );
}

/** Password then a TOTP code: a web session that passed 2FA. */
async function webTwoFactorSignIn(user: LoginUser, secret: string, client: Client): Promise<WebSessionToken> {
  advanceTime(STEP_MS);
  const started = await webPasswordSignIn(user, client);
  if (!started.ok || started.value.kind !== "second_factor")
    throw new Error(`expected a second-factor step, got ${JSON.stringify(started)}`);
  const done = await completePendingLogin(
    started.value.challenge.session_id,
    { totpToken: await totpNow(secret) },
    SECOND_FACTOR_ORDER,
    client,
    issueWebSession,
  );
  if (!done.ok) throw new Error(`second factor failed: ${done.code}`);
  return done.value;
}

/** Signs in with 2FA on `client` and trusts that browser; returns the cookie value. */
async function trustedCookie(user: LoginUser, secret: string, client: Client): Promise<string> {
  const session = await webTwoFactorSignIn(user, secret, client);
  const trust = await trustBrowser({ userId: session.userId, sessionId: session.sessionId }, client);
  if (!trust.ok) throw new Error(`could not trust: ${trust.code}`);
  return trust.value.value;
}

async function amrOf(sessionToken: WebSessionToken): Promise<string[]> {
  return (await db.authSession.findUniqueOrThrow({ where: { id: sessionToken.sessionId }, select: { amr: true } })).amr;
}

async function expectSecondFactorStep(user: LoginUser, client: Client, cookie: string | null) {
  const res = await webPasswordSignIn(user, client, cookie);
  expect(res.ok && res.value.kind).toBe("second_factor");
}

describe("trusted browsers", () => {
  it("skip the second factor at password sign-in; the session says tdv, never mfa, and the API never skips", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const laptop = newClient("Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0");
    const cookie = await trustedCookie(user, secret, laptop);
    // A signed token naming the user and carrying a random secret, of which only a hash is stored.
    expect(cookie).toMatch(/^[\w-]+\.[\w-]+\.[\w-]{43}$/);
    expect(cookie.length).toBeLessThan(400);
    const { sub, tok } = claimsOf(cookie);
    expect(sub).toBe(String(user.id));
    expect(tok).toMatch(/^[\w-]{43}$/);
    expect(await db.trustedDevice.count({ where: { userId: user.id, tokenHash: sha256Hex(String(tok)) } })).toBe(1);

    const skipped = await webPasswordSignIn(user, laptop, cookie);
    if (!skipped.ok || skipped.value.kind !== "signed_in") throw new Error("expected a session");
    const amr = await amrOf(skipped.value.session);
    expect(amr).toEqual(["pwd", "tdv"]);
    expect(passedSecondFactor(amr)).toBe(false);
    expect(describeSignInMethod(amr)).toMatchObject({
      firstFactor: "password",
      secondFactor: "trusted_browser",
      passedSecondFactor: false,
      label: "Password + trusted browser",
    });
    expect((await listTrustedDevices(user.id))[0]?.lastUsedAt?.getTime()).toBe(Date.now());

    // The password is still needed, and a browser cannot pass its trust on to a session without "mfa".
    const wrong = await signInWithPassword(
      { username: user.username, password: "wrong password", trustedBrowser: cookie },
      laptop,
      issueWebSession,
    );
    expect(wrong.ok ? "ok" : wrong.code).toBe("invalid_credentials");
    expect((await trustBrowser({ userId: user.id, sessionId: skipped.value.session.sessionId }, laptop)).ok).toBe(
      false,
    );
    // The JSON API has no cookie to pass.
    const api = await signInWithPassword({ username: user.username, password: user.password }, laptop, issueWebSession);
    expect(api.ok && api.value.kind).toBe("second_factor");
  });

  it("never bypass ADMIN_2FA_REQUIRED for staff, even with a cookie made while it was off", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    const { secret } = await enrollStaffTotp(staff);
    const browser = newClient();

    const session = await webTwoFactorSignIn(staff, secret, browser);
    const refused = await trustBrowser({ userId: staff.id, sessionId: session.sessionId }, browser);
    expect(refused.ok ? "ok" : refused.code).toBe("not_authorized_for_user");
    const started = await webPasswordSignIn(staff, browser);
    if (!started.ok || started.value.kind !== "second_factor") throw new Error("expected a second-factor step");
    expect((await describePendingLogin(started.value.challenge.session_id, browser))?.trustBrowserDays).toBe(0);

    overrideSettings({ admin2faRequired: false });
    const cookie = await trustedCookie(staff, secret, browser);
    const relaxed = await webPasswordSignIn(staff, browser, cookie);
    if (!relaxed.ok || relaxed.value.kind !== "signed_in")
      throw new Error("expected a session while the requirement is off");
    // Even then the session has not passed 2FA, so the admin area (which requires "mfa") asks again.
    expect(passedSecondFactor(await amrOf(relaxed.value.session))).toBe(false);

    overrideSettings({ admin2faRequired: true });
    await expectSecondFactorStep(staff, browser, cookie);
  });

  it("work only for their own user, with a genuine signature, until revoked or expired, and not when the feature is off", async () => {
    freezeTime();
    const user = await makeUser();
    const other = await makeUser();
    const { secret } = await enrollTotp(user);
    const otherTotp = await enrollTotp(other);
    const browser = newClient();
    const cookie = await trustedCookie(user, secret, browser);
    const otherCookie = await trustedCookie(other, otherTotp.secret, browser);

    await expectSecondFactorStep(user, browser, otherCookie);
    await expectSecondFactorStep(user, browser, withForgedSignature(cookie));
    await expectSecondFactorStep(user, browser, withClaims(cookie, { tok: "A".repeat(43) }));
    await expectSecondFactorStep(user, browser, withClaims(cookie, { sub: String(other.id) }));
    await expectSecondFactorStep(user, browser, withClaims(otherCookie, { sub: String(user.id) }));
    await expectSecondFactorStep(user, browser, "garbage");

    overrideSettings({ trustedDeviceDays: 0 });
    await expectSecondFactorStep(user, browser, cookie);
    const session = await webTwoFactorSignIn(user, secret, browser);
    expect((await trustBrowser({ userId: user.id, sessionId: session.sessionId }, browser)).ok).toBe(false);
    overrideSettings({ trustedDeviceDays: 30 });
    expect((await webPasswordSignIn(user, browser, cookie)).ok).toBe(true);

    advanceTime(30 * 86_400_000 + 1_000);
    await expectSecondFactorStep(user, browser, cookie);

    const fresh = await trustedCookie(user, secret, browser);
    const [device] = await listTrustedDevices(user.id);
    const actorOf = async (who: LoginUser, secretOf: string) => {
      const signedIn = await webTwoFactorSignIn(who, secretOf, browser);
      return { userId: who.id, username: who.username, isStaff: false, sessionId: signedIn.sessionId };
    };
    expect((await revokeOwnTrustedDevice(await actorOf(other, otherTotp.secret), device?.id ?? "", browser)).ok).toBe(
      false,
    );
    expect((await revokeOwnTrustedDevice(await actorOf(user, secret), device?.id ?? "", browser)).ok).toBe(true);
    await expectSecondFactorStep(user, browser, fresh);
  });

  it("are all revoked by a password change or any 2FA change, but not by new backup codes", async () => {
    freezeTime();
    overrideSettings({ tokens: { accessMinutes: 600 } });
    const user = await makeUser();
    const enrolled = await enrollTotp(user);
    const a = newClient();
    const b = newClient();
    const live = async () => (await listTrustedDevices(user.id)).length;

    // The enrolling session proved only the password; the changes below need a second factor in it.
    expect(
      (
        await call(reauthenticate.POST, "POST", "/api/auth/reauthenticate", {
          token: enrolled.access,
          body: { backup_code: enrolled.backupCodes[0] },
        })
      ).status,
    ).toBe(200);
    await trustedCookie(user, enrolled.secret, a);
    const cookieB = await trustedCookie(user, enrolled.secret, b);
    expect(
      (
        await call(regenerate.POST, "POST", "/api/auth/2fa/backup-codes/regenerate", {
          token: enrolled.access,
          body: { password: user.password },
        })
      ).status,
    ).toBe(200);
    expect(await live()).toBe(2);

    const changed = await call(changePassword.POST, "POST", "/api/auth/password/change", {
      token: enrolled.access,
      body: { password: user.password, new_password: "a brand new passphrase", keep_other_sessions: true },
    });
    expect(changed.status, JSON.stringify(changed.json)).toBe(200);
    expect(await live()).toBe(0);
    user.password = "a brand new passphrase";
    await expectSecondFactorStep(user, b, cookieB);

    await trustedCookie(user, enrolled.secret, a);
    await addPasskey(enrolled.access, newAuthenticator());
    expect(await live()).toBe(0);

    await trustedCookie(user, enrolled.secret, a);
    expect(
      (
        await call(disable.POST, "POST", "/api/auth/2fa/disable", {
          token: enrolled.access,
          body: { password: user.password },
        })
      ).status,
    ).toBe(200);
    expect(await live()).toBe(0);
    expect(await db.trustedDevice.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
  });

  it("admins can list and revoke them", async () => {
    freezeTime();
    const admin = await makeUser({ staff: true });
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const browser = newClient();
    await trustedCookie(user, secret, browser);
    await trustedCookie(user, secret, newClient());
    const listed = await listTrustedDevices(user.id);
    expect(listed).toHaveLength(2);
    expect((await revokeTrustedDevice({ userId: admin.id }, user.id, listed[0]?.id ?? "", browser)).ok).toBe(true);
    expect(await revokeAllTrustedDevicesOf({ userId: admin.id }, user.id, browser)).toBe(1);
    expect(await listTrustedDevices(user.id)).toEqual([]);
  });
});
