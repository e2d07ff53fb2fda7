import { afterEach, describe, expect, it, vi } from "vitest";
import * as loginOptionsRoute from "@/app/api/auth/passkey/login/options/route";
import * as passkeyLogin from "@/app/api/auth/passkey/login/route";
import * as verifyEnrollment from "@/app/api/auth/login/verify/passkey/route";
import * as setupEnrollment from "@/app/api/auth/login/setup/passkey/route";
import * as me from "@/app/api/me/route";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { db } from "@/lib/db";
import { call, newClient, type Client } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import {
  accessTokenFor,
  addPasskey,
  beginRegistration,
  newAuthenticator,
  pendingLogin,
  type RegistrationOptions,
  type RequestOptions,
} from "../helpers/passkeys";

afterEach(() => {
  vi.useRealTimers();
});

async function start(client: Client = newClient()) {
  const res = await call(loginOptionsRoute.POST, "POST", "/api/auth/passkey/login/options", { client });
  expect(res.status).toBe(200);
  return { sessionId: res.json.session_id as string, options: res.json.options as RequestOptions };
}

function finish(sessionId: string, passkeyResponse: unknown, client: Client = newClient()) {
  return call(passkeyLogin.POST, "POST", "/api/auth/passkey/login", {
    client,
    body: { session_id: sessionId, passkey_response: passkeyResponse },
  });
}

async function userWithPasskey(staff = false) {
  const user = await makeUser({ staff });
  const authenticator = newAuthenticator();
  if (staff) {
    // Staff enroll at first sign-in (ADMIN_2FA_REQUIRED is on by default).
    const client = newClient();
    const pending = await pendingLogin(user, client);
    const begun = await call(setupEnrollment.POST, "POST", "/api/auth/login/setup/passkey", {
      client,
      body: { session_id: pending.session_id },
    });
    const done = await call(verifyEnrollment.POST, "POST", "/api/auth/login/verify/passkey", {
      client,
      body: {
        session_id: begun.json.session_id,
        passkey_response: authenticator.register(begun.json.options as RegistrationOptions),
      },
    });
    expect(done.status).toBe(200);
  } else {
    await addPasskey(await accessTokenFor(user), authenticator);
  }
  return { user, authenticator };
}

describe("passwordless sign-in with a passkey", () => {
  it("asks for a discoverable credential with user verification", async () => {
    const { sessionId, options } = await start();
    expect(options.rpId).toBe("localhost");
    expect(options.userVerification).toBe("required");
    expect(options.allowCredentials).toBeUndefined();
    const row = await db.webAuthnChallenge.findUniqueOrThrow({ where: { id: sessionId } });
    expect(row).toMatchObject({
      purpose: "passwordless",
      userId: null,
      loginSessionId: null,
      userVerification: "required",
    });
  });

  it("signs the user in with a user-verified passkey and counts it as 2FA", async () => {
    const { user, authenticator } = await userWithPasskey();
    const { sessionId, options } = await start();
    const res = await finish(sessionId, authenticator.assert(options));
    expect(res.status).toBe(200);
    expect(res.json.requires_2fa).toBe(false);
    expect((await decodeAccessToken(res.json.access_token as string))?.amr).toEqual(["hwk", "user", "mfa"]);
    const profile = await call(me.GET, "GET", "/api/me", { token: res.json.access_token as string });
    expect(profile.json.username).toBe(user.username);
    expect(
      await db.securityEvent.count({
        where: { type: "login.succeeded", userId: user.id, details: { path: ["method"], equals: "passkey" } },
      }),
    ).toBe(1);
  });

  it("lets staff in under ADMIN_2FA_REQUIRED: the passkey already is the second factor", async () => {
    const { authenticator } = await userWithPasskey(true);
    const { sessionId, options } = await start();
    const res = await finish(sessionId, authenticator.assert(options));
    expect(res.status).toBe(200);
  });

  it("refuses an assertion without user verification (401)", async () => {
    const { authenticator } = await userWithPasskey();
    const { sessionId, options } = await start();
    const res = await finish(sessionId, authenticator.assert(options, { userVerified: false }));
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("invalid_passkey");
    expect(await db.authSession.count()).toBe(1); // only the one used to register
  });

  it("refuses a reused challenge (400) and an expired one (400)", async () => {
    const { authenticator } = await userWithPasskey();
    const first = await start();
    const assertion = authenticator.assert(first.options);
    expect((await finish(first.sessionId, assertion)).status).toBe(200);
    const replay = await finish(first.sessionId, assertion);
    expect(replay.status).toBe(400);
    expect(replay.json.code).toBe("session_used");

    const late = await start();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 5 * 60_000 + 1_000);
    const expired = await finish(late.sessionId, authenticator.assert(late.options));
    expect(expired.status).toBe(400);
    expect(expired.json.code).toBe("invalid_session");
  });

  it("refuses unknown passkeys, wrong origins, mismatched user handles and inactive users alike (401)", async () => {
    const { user, authenticator } = await userWithPasskey();
    const stranger = newAuthenticator();
    stranger.register({ challenge: "x", rp: { id: "localhost" }, user: { id: "c29tZW9uZQ" } });

    const a = await start();
    expect((await finish(a.sessionId, stranger.assert(a.options))).status).toBe(401);
    const b = await start();
    expect(
      (await finish(b.sessionId, authenticator.assert(b.options, { origin: "https://evil.example" }))).status,
    ).toBe(401);
    const c = await start();
    expect(
      (
        await finish(
          c.sessionId,
          authenticator.assert(c.options, { userHandle: Buffer.from("someone else").toString("base64url") }),
        )
      ).status,
    ).toBe(401);

    await db.user.update({ where: { id: user.id }, data: { isActive: false } });
    const d = await start();
    const inactive = await finish(d.sessionId, authenticator.assert(d.options));
    expect(inactive.status).toBe(401);
    expect(inactive.json.code).toBe("invalid_passkey");
  });

  it("does not accept a login-step or registration challenge as a passwordless one", async () => {
    const { authenticator } = await userWithPasskey();
    const token = await accessTokenFor(await makeUser());
    const registration = await beginRegistration(token);
    const res = await finish(
      registration.sessionId,
      authenticator.assert({ challenge: registration.options.challenge, rpId: "localhost" }),
    );
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("invalid_session");
  });

  it("is rate limited per client address", async () => {
    overrideSettings({ rateLimits: { login: { limit: 2, windowSeconds: 60 } } });
    const client = newClient();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { sessionId } = await start(client);
      statuses.push((await finish(sessionId, { id: "AAAA", response: {} }, client)).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });

  it("is refused with 403 while LOKDOWN_PASSKEY_ENABLED is off", async () => {
    const { authenticator } = await userWithPasskey();
    const { sessionId, options } = await start();
    overrideSettings({ passkeyEnabled: false });
    const opts = await call(loginOptionsRoute.POST, "POST", "/api/auth/passkey/login/options", {});
    expect(opts.status).toBe(403);
    expect(opts.json.error).toBe("Passkey support is disabled");
    const res = await finish(sessionId, authenticator.assert(options));
    expect(res.status).toBe(403);
  });

  it("answers field errors for a missing body", async () => {
    const res = await call(passkeyLogin.POST, "POST", "/api/auth/passkey/login", { body: {} });
    expect(res.status).toBe(400);
    expect(res.json.session_id).toEqual(["This field is required."]);
  });
});
