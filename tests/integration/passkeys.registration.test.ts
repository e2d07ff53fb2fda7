import { proveSecondFactorNow } from "../helpers/step-up";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as setup from "@/app/api/auth/2fa/passkey/setup/route";
import * as verify from "@/app/api/auth/2fa/passkey/verify/route";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { snapshotCounts } from "../helpers/db";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import { accessTokenFor, addPasskey, beginRegistration, ICLOUD_KEYCHAIN, newAuthenticator } from "../helpers/passkeys";

afterEach(() => {
  vi.useRealTimers();
});

async function finish(token: string, sessionId: string, passkeyResponse: unknown, extra: Record<string, unknown> = {}) {
  return call(verify.POST, "POST", "/api/auth/2fa/passkey/verify", {
    token,
    body: { session_id: sessionId, passkey_response: passkeyResponse, ...extra },
  });
}

describe("passkey registration options", () => {
  it("use the configured rp, the random user handle, and the agreed criteria and algorithms", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const { sessionId, options } = await beginRegistration(token);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { webauthnUserHandle: true } });
    expect(options.rp).toEqual({ id: "localhost", name: "next-lokdown" });
    expect(options.user.id).toBe(row.webauthnUserHandle);
    expect(options.user.id).not.toBe(String(user.id));
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "preferred", userVerification: "preferred" });
    expect(options.attestation).toBe("none");
    expect((options.pubKeyCredParams as { alg: number }[]).map((p) => p.alg)).toEqual([-7, -8, -257]);
    expect(options.excludeCredentials).toEqual([]);

    const challenge = await db.webAuthnChallenge.findUniqueOrThrow({ where: { id: sessionId } });
    expect(challenge).toMatchObject({
      purpose: "registration",
      userId: user.id,
      loginSessionId: null,
      challenge: options.challenge,
      consumedAt: null,
    });
    expect(challenge.expiresAt.getTime() - challenge.createdAt.getTime()).toBe(5 * 60_000);
  });

  it("are capped at ten live challenges per user (429), so a script cannot fill the table", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    for (let i = 0; i < 10; i++) await beginRegistration(token);
    const refused = await call(setup.POST, "POST", "/api/auth/2fa/passkey/setup", { token });
    expect(refused.status).toBe(429);
    expect(await db.webAuthnChallenge.count()).toBe(10);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 5 * 60_000 + 1_000);
    expect((await call(setup.POST, "POST", "/api/auth/2fa/passkey/setup", { token })).status).toBe(200);
  });

  it("exclude the passkeys the user already has, with their transports", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    await proveSecondFactorNow(token); // it adds a second factor to an account that has one
    const first = await addPasskey(token, newAuthenticator());
    const { options } = await beginRegistration(token);
    expect(options.excludeCredentials).toEqual([
      { id: first.credential_id, type: "public-key", transports: ["internal", "hybrid"] },
    ]);
  });
});

describe("passkey registration", () => {
  it("stores the credential id, public key, counter, transports, AAGUID, device type, backup flag, name and times", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const authenticator = newAuthenticator(ICLOUD_KEYCHAIN, true);
    const { sessionId, options } = await beginRegistration(token);
    const response = authenticator.register(options, { transports: ["internal", "hybrid", "carrier-pigeon"] });
    const res = await finish(token, sessionId, response);
    expect(res.status).toBe(200);
    expect(res.json.message).toBe("Passkey setup verified successfully");

    const stored = await db.passkeyCredential.findFirstOrThrow({ where: { userId: user.id } });
    const credential = authenticator.credentials.get(response.id);
    expect(stored.credentialId).toBe(response.id);
    expect(Buffer.from(stored.publicKey).equals(Buffer.from(credential?.cosePublicKey ?? []))).toBe(true);
    expect(stored.counter).toBe(0n);
    expect(stored.transports).toEqual(["internal", "hybrid"]);
    expect(stored.aaguid).toBe(ICLOUD_KEYCHAIN);
    expect(stored.deviceType).toBe("multiDevice");
    expect(stored.backedUp).toBe(true);
    expect(stored.name).toBe("iCloud Keychain");
    expect(stored.rpId).toBe("localhost");
    expect(stored.createdAt).toBeInstanceOf(Date);
    expect(stored.lastUsedAt).toBeNull();
    expect(res.json.credential).toMatchObject({
      credential_id: response.id,
      name: "iCloud Keychain",
      authenticator: "iCloud Keychain",
      backed_up: true,
      device_type: "multiDevice",
    });
  });

  it("uses the name the user chose, else 'Passkey' for an unknown authenticator", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    await proveSecondFactorNow(token); // it adds a second factor to an account that has one
    const named = await addPasskey(token, newAuthenticator(), "  Work\u0007 laptop  ");
    const unnamed = await addPasskey(token, newAuthenticator());
    expect(named.name).toBe("Work laptop");
    expect(unnamed.name).toBe("Passkey");
    expect(unnamed.device_type).toBe("singleDevice");
    expect(unnamed.backed_up).toBe(false);
  });

  it("refuses an attestation made for another origin (401) and stores nothing", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const { sessionId, options } = await beginRegistration(token);
    const before = await snapshotCounts();
    // A page on another site relaying our options: the origin is what the browser saw.
    const res = await finish(
      token,
      sessionId,
      newAuthenticator().register(options, { origin: "https://evil.example" }),
    );
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("invalid_passkey");
    const after = await snapshotCounts();
    expect(after.passkey_credentials).toBe(before.passkey_credentials);
  });

  it("refuses an attestation for another rpID (401)", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const { sessionId, options } = await beginRegistration(token);
    const res = await finish(token, sessionId, newAuthenticator().register(options, { rpId: "evil.example" }));
    expect(res.status).toBe(401);
    expect(await db.passkeyCredential.count()).toBe(0);
  });

  it("ignores Origin and Referer headers: only WEBAUTHN_ORIGINS counts", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const client = newClient();
    const begun = await call(setup.POST, "POST", "/api/auth/2fa/passkey/setup", {
      client,
      token,
      headers: { origin: "https://evil.example", "x-lokdown-rp-id": "evil.example" },
    });
    expect((begun.json.options as { rp: { id: string } }).rp.id).toBe("localhost");
    const response = newAuthenticator().register(
      begun.json.options as { challenge: string; rp: { id: string }; user: { id: string } },
      { origin: "https://evil.example", rpId: "evil.example" },
    );
    const res = await call(verify.POST, "POST", "/api/auth/2fa/passkey/verify", {
      client,
      token,
      headers: { origin: "https://evil.example", referer: "https://evil.example/x" },
      body: { session_id: begun.json.session_id, passkey_response: response },
    });
    expect(res.status).toBe(401);
  });

  it("refuses a replayed challenge: a registration session works once (400)", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    await proveSecondFactorNow(token); // it adds a second factor to an account that has one
    const { sessionId, options } = await beginRegistration(token);
    const authenticator = newAuthenticator();
    expect((await finish(token, sessionId, authenticator.register(options))).status).toBe(200);
    const replay = await finish(token, sessionId, authenticator.register(options));
    expect(replay.status).toBe(400);
    expect(replay.json.code).toBe("session_used");
    expect(await db.passkeyCredential.count()).toBe(1);
  });

  it("spends the challenge on a failed attempt too", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const { sessionId, options } = await beginRegistration(token);
    const authenticator = newAuthenticator();
    expect(
      (await finish(token, sessionId, authenticator.register(options, { origin: "https://evil.example" }))).status,
    ).toBe(401);
    const retry = await finish(token, sessionId, authenticator.register(options));
    expect(retry.status).toBe(400);
    expect(retry.json.code).toBe("session_used");
  });

  it("refuses an expired challenge (400) after five minutes", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const { sessionId, options } = await beginRegistration(token);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 5 * 60_000 + 1_000);
    const res = await finish(token, sessionId, newAuthenticator().register(options));
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("invalid_session");
    expect(await db.passkeyCredential.count()).toBe(0);
  });

  it("refuses another user's registration session (400) and unknown ids (400)", async () => {
    const alice = await makeUser();
    const bob = await makeUser();
    const aliceToken = await accessTokenFor(alice);
    const bobToken = await accessTokenFor(bob);
    const { sessionId, options } = await beginRegistration(aliceToken);
    const stolen = await finish(bobToken, sessionId, newAuthenticator().register(options));
    expect(stolen.status).toBe(400);
    expect(stolen.json.code).toBe("invalid_session");
    const unknown = await finish(
      bobToken,
      "7f6c1f8e-6b1e-4d7a-9a59-0c3f1b1f0d2a",
      newAuthenticator().register(options),
    );
    expect(unknown.status).toBe(400);
    expect((await finish(bobToken, "not-a-uuid", {})).status).toBe(400);
    // Alice's challenge is still good: Bob's attempt did not spend it.
    expect((await finish(aliceToken, sessionId, newAuthenticator().register(options))).status).toBe(200);
  });

  it("refuses a response without user presence, of the wrong type, or malformed (401/400)", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const a = await beginRegistration(token);
    expect(
      (await finish(token, a.sessionId, newAuthenticator().register(a.options, { userPresent: false }))).status,
    ).toBe(401);
    const b = await beginRegistration(token);
    expect(
      (await finish(token, b.sessionId, newAuthenticator().register(b.options, { type: "webauthn.get" }))).status,
    ).toBe(401);
    const c = await beginRegistration(token);
    expect((await finish(token, c.sessionId, { id: "abc", response: { clientDataJSON: "%%%" } })).status).toBe(401);
    const d = await beginRegistration(token);
    const missing = await call(verify.POST, "POST", "/api/auth/2fa/passkey/verify", {
      token,
      body: { session_id: d.sessionId },
    });
    expect(missing.status).toBe(400);
    expect(missing.json.passkey_response).toEqual(["This field is required."]);
    expect(await db.passkeyCredential.count()).toBe(0);
  });

  it("accepts a registration without user verification, since the options only prefer it", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const { sessionId, options } = await beginRegistration(token);
    expect((await finish(token, sessionId, newAuthenticator().register(options, { userVerified: false }))).status).toBe(
      200,
    );
  });

  it("refuses registering the same credential twice (400)", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    await proveSecondFactorNow(token); // it adds a second factor to an account that has one
    const authenticator = newAuthenticator();
    const { sessionId, options } = await beginRegistration(token);
    const response = authenticator.register(options);
    expect((await finish(token, sessionId, response)).status).toBe(200);
    // The same attestation again under a fresh challenge cannot verify; a re-signed one is a duplicate id.
    const again = await beginRegistration(token);
    const res = await finish(token, again.sessionId, {
      ...response,
      response: {
        ...response.response,
        clientDataJSON: Buffer.from(
          JSON.stringify({
            type: "webauthn.create",
            challenge: again.options.challenge,
            origin: "http://localhost:3000",
            crossOrigin: false,
          }),
        ).toString("base64url"),
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe("passkey_already_registered");
    expect(await db.passkeyCredential.count()).toBe(1);
  });

  it("is refused with 403 while LOKDOWN_PASSKEY_ENABLED is off", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const { sessionId, options } = await beginRegistration(token);
    overrideSettings({ passkeyEnabled: false });
    const start = await call(setup.POST, "POST", "/api/auth/2fa/passkey/setup", { token });
    expect(start.status).toBe(403);
    expect(start.json.error).toBe("Passkey support is disabled");
    const res = await finish(token, sessionId, newAuthenticator().register(options));
    expect(res.status).toBe(403);
    expect(res.json.error).toBe("Passkey support is disabled");
  });

  it("needs a signed-in caller", async () => {
    const res = await call(setup.POST, "POST", "/api/auth/2fa/passkey/setup", {});
    expect(res.status).toBe(401);
  });
});
