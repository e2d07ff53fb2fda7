import { describe, expect, it } from "vitest";
import * as loginOptionsRoute from "@/app/api/auth/passkey/login/options/route";
import * as passkeyLogin from "@/app/api/auth/passkey/login/route";
import * as verify from "@/app/api/auth/verify/route";
import { db } from "@/lib/db";
import { call, newClient, type Client } from "../helpers/http";
import { makeUser } from "../helpers/users";
import {
  accessTokenFor,
  addPasskey,
  loginOptions,
  newAuthenticator,
  pendingLogin,
  type RequestOptions,
} from "../helpers/passkeys";

/**
 * Issue 15.12, WebAuthn L3 §7.2: a passwordless (discoverable) assertion must carry a userHandle
 * naming the credential's owner. Backup eligibility (BE) is fixed at registration: an assertion
 * whose BE differs is refused; only the backup state (BS) follows the authenticator.
 */

async function userWithPasskey(synced = false) {
  const user = await makeUser();
  const authenticator = newAuthenticator(undefined, synced);
  const credential = await addPasskey(await accessTokenFor(user), authenticator);
  return { user, authenticator, credentialId: credential.credential_id as string };
}

async function passwordless(assert: (options: RequestOptions) => unknown, client: Client = newClient()) {
  const started = await call(loginOptionsRoute.POST, "POST", "/api/auth/passkey/login/options", { client });
  expect(started.status).toBe(200);
  const options = started.json.options as RequestOptions;
  return call(passkeyLogin.POST, "POST", "/api/auth/passkey/login", {
    client,
    body: { session_id: started.json.session_id, passkey_response: assert(options) },
  });
}

async function secondFactor(
  user: { username: string; password: string },
  assert: (options: RequestOptions) => unknown,
) {
  const client = newClient();
  const pending = await pendingLogin(user, client);
  const options = await loginOptions(pending.session_id as string, client);
  return call(verify.POST, "POST", "/api/auth/verify", {
    client,
    body: { session_id: pending.session_id, passkey_response: assert(options) },
  });
}

const credentialRow = (credentialId: string) => db.passkeyCredential.findUniqueOrThrow({ where: { credentialId } });

describe("userHandle on passwordless sign-in", () => {
  it("is required: an assertion without it is refused and changes nothing", async () => {
    const { authenticator, credentialId } = await userWithPasskey();
    const before = await credentialRow(credentialId);
    const sessions = await db.authSession.count();
    for (const userHandle of [null, ""]) {
      const res = await passwordless((o) => authenticator.assert(o, { userHandle }));
      expect(res.status).toBe(401);
      expect(res.json.code).toBe("invalid_passkey");
    }
    expect(await credentialRow(credentialId)).toEqual(before);
    expect(await db.authSession.count()).toBe(sessions);
    // With the owner's handle, the same passkey signs in.
    expect((await passwordless((o) => authenticator.assert(o))).status).toBe(200);
  });

  it("must name the credential's owner, not another user", async () => {
    const { authenticator } = await userWithPasskey();
    const other = await makeUser();
    const otherHandle = (await db.user.findUniqueOrThrow({ where: { id: other.id } })).webauthnUserHandle;
    const res = await passwordless((o) => authenticator.assert(o, { userHandle: otherHandle }));
    expect(res.status).toBe(401);
  });

  it("stays optional at the 2FA step, where the password already named the user", async () => {
    const { user, authenticator } = await userWithPasskey();
    expect((await secondFactor(user, (o) => authenticator.assert(o, { userHandle: null }))).status).toBe(200);
  });
});

describe("backup eligibility stays as registered", () => {
  it("a single-device passkey that suddenly claims BE is refused, at both steps", async () => {
    const { user, authenticator, credentialId } = await userWithPasskey(false);
    const before = await credentialRow(credentialId);
    expect(before).toMatchObject({ deviceType: "singleDevice", backedUp: false });
    const flipped = { backup: { eligible: true, backedUp: true } };
    expect((await passwordless((o) => authenticator.assert(o, flipped))).status).toBe(401);
    expect((await secondFactor(user, (o) => authenticator.assert(o, flipped))).status).toBe(401);
    expect(await credentialRow(credentialId)).toMatchObject({
      deviceType: "singleDevice",
      backedUp: false,
      counter: before.counter,
    });
  });

  it("a synced passkey that loses BE is refused; one that only changes BS is accepted and only BS is stored", async () => {
    const { authenticator, credentialId } = await userWithPasskey(true);
    expect(await credentialRow(credentialId)).toMatchObject({ deviceType: "multiDevice", backedUp: true });
    expect(
      (await passwordless((o) => authenticator.assert(o, { backup: { eligible: false, backedUp: false } }))).status,
    ).toBe(401);
    expect(await credentialRow(credentialId)).toMatchObject({ deviceType: "multiDevice", backedUp: true });

    expect(
      (await passwordless((o) => authenticator.assert(o, { backup: { eligible: true, backedUp: false } }))).status,
    ).toBe(200);
    expect(await credentialRow(credentialId)).toMatchObject({ deviceType: "multiDevice", backedUp: false });
    expect(
      (await passwordless((o) => authenticator.assert(o, { backup: { eligible: true, backedUp: true } }))).status,
    ).toBe(200);
    expect(await credentialRow(credentialId)).toMatchObject({ deviceType: "multiDevice", backedUp: true });
  });
});
