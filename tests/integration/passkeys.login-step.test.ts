import { afterEach, describe, expect, it, vi } from "vitest";
import * as options from "@/app/api/auth/2fa/passkey/options/route";
import * as verify from "@/app/api/auth/verify/route";
import * as me from "@/app/api/me/route";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { db } from "@/lib/db";
import { call, newClient, type Client } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import { accessTokenFor, addPasskey, loginOptions, newAuthenticator, pendingLogin } from "../helpers/passkeys";

afterEach(() => {
  vi.useRealTimers();
});

async function userWithPasskey() {
  const user = await makeUser();
  const authenticator = newAuthenticator();
  const credential = await addPasskey(await accessTokenFor(user), authenticator);
  return { user, authenticator, credentialId: credential.credential_id as string };
}

function submit(sessionId: string, passkeyResponse: unknown, client: Client) {
  return call(verify.POST, "POST", "/api/auth/verify", {
    client,
    body: { session_id: sessionId, passkey_response: passkeyResponse },
  });
}

async function begin(user: { username: string; password: string }, client: Client) {
  const pending = await pendingLogin(user, client);
  const sessionId = pending.session_id as string;
  return { pending, sessionId, options: await loginOptions(sessionId, client) };
}

describe("passkey as the second factor", () => {
  it("offers allowCredentials with transports and signs in with the passkey", async () => {
    const { user, authenticator, credentialId } = await userWithPasskey();
    const client = newClient();
    const pending = await pendingLogin(user, client);
    expect(pending).toMatchObject({ passkey_enabled: true, totp_enabled: false, requires_2fa_setup: false });

    const res = await call(options.POST, "POST", "/api/auth/2fa/passkey/options", {
      client,
      body: { session_id: pending.session_id },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ rp_id: "localhost", timeout: 240_000 });
    const opts = res.json.options as {
      challenge: string;
      rpId: string;
      allowCredentials: unknown[];
      userVerification: string;
    };
    expect(res.json.challenge).toBe(opts.challenge);
    expect(opts.allowCredentials).toEqual([
      { id: credentialId, type: "public-key", transports: ["internal", "hybrid"] },
    ]);
    expect(opts.userVerification).toBe("preferred");

    const signedIn = await submit(pending.session_id as string, authenticator.assert(opts), client);
    expect(signedIn.status).toBe(200);
    expect(signedIn.json.requires_2fa).toBe(false);
    const claims = await decodeAccessToken(signedIn.json.access_token as string);
    expect(claims?.amr).toEqual(["pwd", "hwk", "user", "mfa"]);
    expect((await call(me.GET, "GET", "/api/me", { token: signedIn.json.access_token as string })).status).toBe(200);

    const stored = await db.passkeyCredential.findUniqueOrThrow({ where: { credentialId } });
    expect(stored.counter).toBe(1n);
    expect(stored.lastUsedAt).toBeInstanceOf(Date);
  });

  it("refuses a used session (400) and a replayed assertion in a new login (401)", async () => {
    const { user, authenticator } = await userWithPasskey();
    const client = newClient();
    const first = await begin(user, client);
    const assertion = authenticator.assert(first.options);
    expect((await submit(first.sessionId, assertion, client)).status).toBe(200);

    const again = await submit(first.sessionId, assertion, client);
    expect(again.status).toBe(400);
    expect(again.json.code).toBe("session_used");
    const optionsForUsed = await call(options.POST, "POST", "/api/auth/2fa/passkey/options", {
      client,
      body: { session_id: first.sessionId },
    });
    expect(optionsForUsed.status).toBe(400);

    // The old challenge belongs to the old login: a captured assertion does not carry over.
    const second = await begin(user, client);
    const replay = await submit(second.sessionId, assertion, client);
    expect(replay.status).toBe(401);
    expect(replay.json.code).toBe("invalid_passkey");
  });

  it("uses each challenge once, even when the first attempt failed", async () => {
    const { user, authenticator } = await userWithPasskey();
    const client = newClient();
    const { sessionId, options: opts } = await begin(user, client);
    expect(
      (await submit(sessionId, authenticator.assert(opts, { origin: "https://evil.example" }), client)).status,
    ).toBe(401);
    expect((await submit(sessionId, authenticator.assert(opts), client)).status).toBe(401);
    const fresh = await loginOptions(sessionId, client);
    expect((await submit(sessionId, authenticator.assert(fresh), client)).status).toBe(200);
  });

  it("refuses another user's passkey (401)", async () => {
    const alice = await userWithPasskey();
    const mallory = await userWithPasskey();
    const client = newClient();
    const { sessionId, options: opts } = await begin(alice.user, client);
    // Mallory signs Alice's challenge with her own, valid passkey.
    const res = await submit(sessionId, mallory.authenticator.assert(opts), client);
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("invalid_passkey");
  });

  it("refuses an assertion made for another origin or rpID (401)", async () => {
    const { user, authenticator } = await userWithPasskey();
    const client = newClient();
    const a = await begin(user, client);
    expect(
      (await submit(a.sessionId, authenticator.assert(a.options, { origin: "https://evil.example" }), client)).status,
    ).toBe(401);
    const b = await loginOptions(a.sessionId, client);
    expect((await submit(a.sessionId, authenticator.assert(b, { rpId: "evil.example" }), client)).status).toBe(401);
    const c = await loginOptions(a.sessionId, client);
    expect((await submit(a.sessionId, authenticator.assert(c), client)).status).toBe(200);
  });

  it("refuses a counter that goes backwards (401) and keeps the stored counter", async () => {
    const { user, authenticator, credentialId } = await userWithPasskey();
    const client = newClient();
    const first = await begin(user, client);
    expect((await submit(first.sessionId, authenticator.assert(first.options, { counter: 5 }), client)).status).toBe(
      200,
    );

    const second = await begin(user, client);
    const res = await submit(second.sessionId, authenticator.assert(second.options, { counter: 3 }), client);
    expect(res.status).toBe(401);
    const same = await loginOptions(second.sessionId, client);
    expect((await submit(second.sessionId, authenticator.assert(same, { counter: 5 }), client)).status).toBe(401);
    expect((await db.passkeyCredential.findUniqueOrThrow({ where: { credentialId } })).counter).toBe(5n);
  });

  it("accepts authenticators that always report a zero counter", async () => {
    const { user, authenticator } = await userWithPasskey();
    const client = newClient();
    for (let i = 0; i < 2; i++) {
      const step = await begin(user, client);
      expect((await submit(step.sessionId, authenticator.assert(step.options, { counter: 0 }), client)).status).toBe(
        200,
      );
    }
  });

  it("requires user verification when the options asked for it, and only then", async () => {
    const { user, authenticator } = await userWithPasskey();
    const client = newClient();
    const preferred = await begin(user, client);
    const withoutUv = await submit(
      preferred.sessionId,
      authenticator.assert(preferred.options, { userVerified: false }),
      client,
    );
    expect(withoutUv.status).toBe(200);
    expect((await decodeAccessToken(withoutUv.json.access_token as string))?.amr).toEqual(["pwd", "hwk", "mfa"]);

    const required = await begin(user, client);
    await db.webAuthnChallenge.updateMany({
      where: { challenge: required.options.challenge },
      data: { userVerification: "required" },
    });
    const refused = await submit(
      required.sessionId,
      authenticator.assert(required.options, { userVerified: false }),
      client,
    );
    expect(refused.status).toBe(401);
  });

  it("refuses a passkey response when no options were requested (401)", async () => {
    const { user, authenticator } = await userWithPasskey();
    const client = newClient();
    const pending = await pendingLogin(user, client);
    const res = await submit(
      pending.session_id as string,
      authenticator.assert({ challenge: Buffer.from("made up").toString("base64url") }),
      client,
    );
    expect(res.status).toBe(401);
  });

  it("refuses an expired login session (400), for options and for verification", async () => {
    const { user, authenticator } = await userWithPasskey();
    const client = newClient();
    const { sessionId, options: opts } = await begin(user, client);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 11 * 60_000);
    const res = await submit(sessionId, authenticator.assert(opts), client);
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("invalid_session");
    const again = await call(options.POST, "POST", "/api/auth/2fa/passkey/options", {
      client,
      body: { session_id: sessionId },
    });
    expect(again.status).toBe(400);
  });

  it("refuses an expired challenge of a live login session (401)", async () => {
    const { user, authenticator } = await userWithPasskey();
    const client = newClient();
    const { sessionId, options: opts } = await begin(user, client);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 5 * 60_000 + 1_000);
    expect((await submit(sessionId, authenticator.assert(opts), client)).status).toBe(401);
  });

  it("answers 400 for users without passkeys, and for sessions from another client", async () => {
    const user = await makeUser({ staff: true });
    const client = newClient();
    const pending = await pendingLogin(user, client);
    const none = await call(options.POST, "POST", "/api/auth/2fa/passkey/options", {
      client,
      body: { session_id: pending.session_id },
    });
    expect(none.status).toBe(400);

    const { user: other } = await userWithPasskey();
    const own = newClient();
    const theirs = await pendingLogin(other, own);
    const elsewhere = await call(options.POST, "POST", "/api/auth/2fa/passkey/options", {
      client: newClient(),
      body: { session_id: theirs.session_id },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.json.code).toBe("invalid_session");
  });

  it("caps the live challenges of one login at ten (429)", async () => {
    const { user } = await userWithPasskey();
    const client = newClient();
    const pending = await pendingLogin(user, client);
    for (let i = 0; i < 10; i++) await loginOptions(pending.session_id as string, client);
    const refused = await call(options.POST, "POST", "/api/auth/2fa/passkey/options", {
      client,
      body: { session_id: pending.session_id },
    });
    expect(refused.status).toBe(429);
  });

  it("lets exactly one of two concurrent verifications with one assertion win", async () => {
    const { user, authenticator } = await userWithPasskey();
    const client = newClient();
    const { sessionId, options: opts } = await begin(user, client);
    const assertion = authenticator.assert(opts);
    const results = await Promise.all([submit(sessionId, assertion, client), submit(sessionId, assertion, client)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(await db.authSession.count({ where: { userId: user.id, amr: { has: "hwk" } } })).toBe(1);
  });

  it("still works for an enrolled user while LOKDOWN_PASSKEY_ENABLED is off (W29)", async () => {
    const { user, authenticator } = await userWithPasskey();
    overrideSettings({ passkeyEnabled: false });
    const client = newClient();
    const { sessionId, options: opts } = await begin(user, client);
    expect((await submit(sessionId, authenticator.assert(opts), client)).status).toBe(200);
  });
});
