import { describe, expect, it, vi } from "vitest";
import * as verifyActions from "@/app/admin/verify/actions";
import VerifyPage from "@/app/admin/verify/page";
import DashboardPage from "@/app/admin/page";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { sha256Hex } from "@/lib/auth/secrets";
import { SESSION_COOKIE } from "@/lib/auth/sessions/web-session";
import { getCookie, outcome, setCookie } from "../helpers/next-request";
import { newAuthenticator, type RegistrationOptions, type RequestOptions } from "../helpers/passkeys";
import { enrollStaffTotp, freezeTime, totpNow } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { PASSWORD_ONLY, signInBrowser } from "../helpers/admin";

vi.mock("next/headers", () => import("../helpers/next-request").then((m) => m.nextHeaders));
vi.mock("next/navigation", () => import("../helpers/next-request").then((m) => m.nextNavigation));
vi.mock("next/cache", () => import("../helpers/next-request").then((m) => m.nextCache));

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

async function sessionOfCookie() {
  const token = getCookie(SESSION_COOKIE);
  return token ? db.authSession.findUnique({ where: { webTokenHash: sha256Hex(token) } }) : null;
}

const renderDashboard = () => outcome(() => DashboardPage({ searchParams: Promise.resolve({}) }));

/** A staff user with TOTP (enrolled at first login), now holding a browser session that never passed 2FA. */
async function staffWithTotpInPlainSession() {
  freezeTime();
  const staff = await makeUser({ staff: true });
  const enrolled = await enrollStaffTotp(staff);
  const { sessionId } = await signInBrowser(staff.id, PASSWORD_ONLY);
  return { staff, ...enrolled, sessionId };
}

describe("verifying a second factor in a staff session (W3)", () => {
  it("a TOTP code replaces the session with one that carries mfa; the old cookie stops working", async () => {
    const { staff, secret, sessionId } = await staffWithTotpInPlainSession();
    const oldToken = getCookie(SESSION_COOKIE) ?? "";
    expect(await renderDashboard()).toEqual({ kind: "redirect", url: "/admin/verify?next=%2Fadmin" });

    const code = await totpNow(secret);
    const result = await outcome(() =>
      verifyActions.verifyCodeAction({}, form({ totp_token: code, next: "/admin/users" })),
    );
    expect(result).toEqual({ kind: "redirect", url: "/admin/users" });

    const upgraded = await sessionOfCookie();
    expect(upgraded?.id).not.toBe(sessionId);
    expect(upgraded?.userId).toBe(staff.id);
    expect(upgraded?.amr).toEqual(expect.arrayContaining(["pwd", "otp", "mfa"]));
    const old = await db.authSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(old.revokedReason).toBe("second_factor_upgrade");
    expect(await db.securityEvent.count({ where: { type: "session.second_factor_verified", userId: staff.id } })).toBe(
      1,
    );
    expect((await renderDashboard()).kind).toBe("returned");

    // The replaced cookie is dead, and the same code cannot upgrade another session (replay).
    setCookie(SESSION_COOKIE, oldToken);
    expect((await renderDashboard()).kind).toBe("redirect");
    await signInBrowser(staff.id, PASSWORD_ONLY);
    const replay = await outcome(() => verifyActions.verifyCodeAction({}, form({ totp_token: code, next: "/admin" })));
    expect(replay).toEqual({ kind: "returned", value: expect.objectContaining({ error: "Invalid TOTP token" }) });
  });

  it("five wrong codes end the verification, and the next attempt signs the browser out", async () => {
    const { secret, sessionId } = await staffWithTotpInPlainSession();
    const near = await Promise.all([-1, 0, 1].map((o) => totpNow(secret, o)));
    const wrong = ["000000", "111111", "222222", "333333"].find((c) => !near.includes(c)) ?? "444444";
    for (let i = 0; i < 5; i++) {
      const r = await outcome(() => verifyActions.verifyCodeAction({}, form({ totp_token: wrong, next: "/admin" })));
      expect(r.kind).toBe("returned");
    }
    const good = await totpNow(secret);
    const after = await outcome(() => verifyActions.verifyCodeAction({}, form({ totp_token: good, next: "/admin" })));
    expect(after).toEqual({ kind: "redirect", url: "/login?expired=1" });
    expect((await db.authSession.findUniqueOrThrow({ where: { id: sessionId } })).revokedAt).not.toBeNull();
    expect(getCookie(SESSION_COOKIE)).toBeUndefined();
  });

  it("a backup code upgrades once and is spent", async () => {
    const { backupCodes, staff } = await staffWithTotpInPlainSession();
    const code = backupCodes[0] ?? "";
    expect(
      await outcome(() => verifyActions.verifyCodeAction({}, form({ backup_code: code, next: "/admin" }))),
    ).toEqual({ kind: "redirect", url: "/admin" });
    expect((await sessionOfCookie())?.amr).toEqual(expect.arrayContaining(["rec", "mfa"]));
    await signInBrowser(staff.id, PASSWORD_ONLY);
    const again = await outcome(() => verifyActions.verifyCodeAction({}, form({ backup_code: code, next: "/admin" })));
    expect(again).toEqual({ kind: "returned", value: expect.objectContaining({ error: "Invalid backup code" }) });
  });

  it("a user who has a factor cannot enroll another one here (W1, W2)", async () => {
    const { staff } = await staffWithTotpInPlainSession();
    const totp = await outcome(() => verifyActions.beginTotpEnrollmentAction({}, form({ next: "/admin" })));
    expect(totp).toEqual({
      kind: "returned",
      value: expect.objectContaining({ error: expect.stringContaining("already enabled") }),
    });
    const passkey = await outcome(() => verifyActions.beginPasskeyEnrollmentAction({}, form({ next: "/admin" })));
    expect(passkey).toEqual({
      kind: "returned",
      value: expect.objectContaining({ error: expect.stringContaining("already enabled") }),
    });
    expect(await db.webAuthnChallenge.count({ where: { userId: staff.id } })).toBe(0);
    expect((await db.totpDevice.findUniqueOrThrow({ where: { userId: staff.id } })).pendingSecretEncrypted).toBeNull();
  });

  it("rendering the verification page changes nothing", async () => {
    await staffWithTotpInPlainSession();
    const before = await db.loginSession.count();
    expect((await outcome(() => VerifyPage({ searchParams: Promise.resolve({ next: "/admin" }) }))).kind).toBe(
      "returned",
    );
    expect(await db.loginSession.count()).toBe(before);
  });
});

describe("first-time setup for staff without a factor", () => {
  it("TOTP: a new secret only on POST, the same secret after a typo (W25), then codes shown and the session verified (W24)", async () => {
    freezeTime();
    const staff = await makeUser({ staff: true });
    await signInBrowser(staff.id, PASSWORD_ONLY);
    const page = await outcome(() => VerifyPage({ searchParams: Promise.resolve({ next: "/admin/users" }) }));
    expect(page.kind).toBe("returned");
    expect(await db.totpDevice.count()).toBe(0);

    const begun = await outcome(() => verifyActions.beginTotpEnrollmentAction({}, form({ next: "/admin/users" })));
    const secret = begun.kind === "returned" ? ((begun.value as verifyActions.EnrollState).totp?.secret ?? "") : "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const typo = await outcome(() =>
      verifyActions.confirmTotpEnrollmentAction(
        { totp: { secret, qrCode: "" } },
        form({ totp_token: "12345", next: "/admin/users" }),
      ),
    );
    expect(typo).toEqual({
      kind: "returned",
      value: expect.objectContaining({ error: expect.any(String), totp: { secret, qrCode: "" } }),
    });

    const confirmed = await outcome(async () =>
      verifyActions.confirmTotpEnrollmentAction({}, form({ totp_token: await totpNow(secret), next: "/admin/users" })),
    );
    expect(confirmed.kind).toBe("returned");
    const codes =
      confirmed.kind === "returned" ? (confirmed.value as verifyActions.EnrollState).backupCodes : undefined;
    expect(codes).toHaveLength(settings.backupCodes.count);
    expect((await sessionOfCookie())?.amr).toEqual(expect.arrayContaining(["pwd", "otp", "mfa"]));

    // Re-rendered after the cookie changed, the page still shows the setup (and its codes)…
    expect((await outcome(() => VerifyPage({ searchParams: Promise.resolve({ next: "/admin/users" }) }))).kind).toBe(
      "returned",
    );
    // …until they were acknowledged; then it is the admin area.
    expect(await outcome(() => verifyActions.finishEnrollmentAction(form({ next: "/admin/users" })))).toEqual({
      kind: "redirect",
      url: "/admin/users",
    });
    expect(await outcome(() => VerifyPage({ searchParams: Promise.resolve({ next: "/admin/users" }) }))).toEqual({
      kind: "redirect",
      url: "/admin/users",
    });
    expect((await renderDashboard()).kind).toBe("returned");
  });

  it("passkey: registration upgrades the session and comes with backup codes; later sessions verify with it", async () => {
    const staff = await makeUser({ staff: true });
    await signInBrowser(staff.id, PASSWORD_ONLY);
    const authenticator = newAuthenticator();
    const begun = await outcome(() => verifyActions.beginPasskeyEnrollmentAction({}, form({ next: "/admin" })));
    const started = begun.kind === "returned" ? (begun.value as verifyActions.EnrollState).passkey : undefined;
    expect(started?.options.challenge).toBeTruthy();
    const response = authenticator.register(started?.options as unknown as RegistrationOptions);
    const done = await outcome(() =>
      verifyActions.confirmPasskeyEnrollmentAction(
        {},
        form({ challenge_id: started?.challengeId ?? "", passkey_response: JSON.stringify(response), next: "/admin" }),
      ),
    );
    expect(done.kind).toBe("returned");
    expect((done.kind === "returned" ? (done.value as verifyActions.EnrollState).backupCodes : [])?.length).toBe(
      settings.backupCodes.count,
    );
    expect(await db.passkeyCredential.count({ where: { userId: staff.id } })).toBe(1);
    expect((await sessionOfCookie())?.amr).toEqual(expect.arrayContaining(["hwk", "mfa"]));

    await signInBrowser(staff.id, PASSWORD_ONLY);
    const options = await outcome(() =>
      verifyActions.beginPasskeyVerificationAction({}, form({ next: "/admin/passkeys" })),
    );
    const requestOptions =
      options.kind === "returned" ? (options.value as verifyActions.VerifyState).passkeyOptions : undefined;
    expect(requestOptions?.challenge).toBeTruthy();
    const assertion = authenticator.assert(requestOptions as unknown as RequestOptions);
    const verified = await outcome(() =>
      verifyActions.verifyPasskeyAction(
        {},
        form({ passkey_response: JSON.stringify(assertion), next: "/admin/passkeys" }),
      ),
    );
    expect(verified).toEqual({ kind: "redirect", url: "/admin/passkeys" });
    expect((await sessionOfCookie())?.amr).toEqual(expect.arrayContaining(["hwk", "mfa"]));
    // The challenge was spent: the same assertion cannot upgrade another session.
    await signInBrowser(staff.id, PASSWORD_ONLY);
    const replay = await outcome(() =>
      verifyActions.verifyPasskeyAction({}, form({ passkey_response: JSON.stringify(assertion), next: "/admin" })),
    );
    expect(replay).toEqual({ kind: "returned", value: expect.objectContaining({ error: "Invalid passkey response" }) });
  });
});
