import { describe, expect, it } from "vitest";
import * as credentials from "@/app/api/auth/2fa/passkey/credentials/route";
import * as credential from "@/app/api/auth/2fa/passkey/credentials/[id]/route";
import * as remove from "@/app/api/auth/2fa/passkey/remove/route";
import * as reauthenticate from "@/app/api/auth/reauthenticate/route";
import * as reauthOptions from "@/app/api/auth/reauthenticate/passkey/options/route";
import * as setupEnrollment from "@/app/api/auth/login/setup/passkey/route";
import * as verifyEnrollment from "@/app/api/auth/login/verify/passkey/route";
import { getSecurityOverview } from "@/lib/auth/two-factor/account-security";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import {
  accessTokenFor,
  addPasskey,
  newAuthenticator,
  pendingLogin,
  type RegistrationOptions,
  type RequestOptions,
} from "../helpers/passkeys";

/** `call` passes untyped params; the handler of an `[id]` segment wants `{ id }`. */
const rename = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) =>
  context.params.then((p) => credential.PATCH(request, { params: Promise.resolve({ id: String(p.id) }) }));

/** Makes the caller's sessions older than the step-up window, so a proof is needed. */
async function staleSessions(userId: number) {
  const old = new Date(Date.now() - 60 * 60_000);
  await db.authSession.updateMany({ where: { userId }, data: { reauthAt: old, passwordAt: old } });
}

function del(token: string, credentialId: string | undefined, body?: Record<string, unknown>) {
  return call(remove.DELETE, "DELETE", "/api/auth/2fa/passkey/remove", {
    token,
    query: credentialId === undefined ? {} : { credential_id: credentialId },
    body,
  });
}

/** A staff user who enrolled a passkey at first sign-in; returns tokens from that sign-in. */
async function staffWithPasskey() {
  const user = await makeUser({ staff: true });
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
      passkey_response: newAuthenticator().register(begun.json.options as RegistrationOptions),
    },
  });
  expect(done.status).toBe(200);
  return { user, token: done.json.access_token as string };
}

describe("listing passkeys", () => {
  it("returns the caller's passkeys with django-lokdown's keys and the extra details", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const token = await accessTokenFor(user);
    await addPasskey(token, newAuthenticator(), "Laptop");
    await addPasskey(await accessTokenFor(other), newAuthenticator());
    const res = await call(credentials.GET, "GET", "/api/auth/2fa/passkey/credentials", { token });
    expect(res.status).toBe(200);
    const list = res.json as unknown as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    const handle = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).webauthnUserHandle;
    expect(list[0]).toMatchObject({
      sign_count: 0,
      rp_id: "localhost",
      user_handle: handle,
      last_used: null,
      name: "Laptop",
      transports: ["internal", "hybrid"],
      device_type: "singleDevice",
      backed_up: false,
      aaguid: "00000000-0000-0000-0000-000000000000",
      authenticator: null,
    });
    expect(Object.keys(list[0] ?? {}).sort()).toEqual(
      [
        "aaguid",
        "authenticator",
        "backed_up",
        "created_at",
        "credential_id",
        "device_type",
        "id",
        "last_used",
        "name",
        "rp_id",
        "sign_count",
        "transports",
        "user_handle",
      ].sort(),
    );
    expect(JSON.stringify(list)).not.toContain("public");
  });

  it("needs a signed-in caller and only answers GET", async () => {
    expect((await call(credentials.GET, "GET", "/api/auth/2fa/passkey/credentials", {})).status).toBe(401);
    expect((await call(credentials.POST, "POST", "/api/auth/2fa/passkey/credentials", {})).status).toBe(405);
  });
});

describe("renaming a passkey", () => {
  it("renames your own passkey; another user's id and unknown ids answer 404", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const token = await accessTokenFor(user);
    const mine = await addPasskey(token, newAuthenticator());
    const theirs = await addPasskey(await accessTokenFor(other), newAuthenticator(), "Theirs");

    const res = await call(rename, "PATCH", `/api/auth/2fa/passkey/credentials/${mine.id}`, {
      token,
      params: { id: String(mine.id) },
      body: { name: "Phone" },
    });
    expect(res.status).toBe(200);
    expect(res.json.name).toBe("Phone");

    const foreign = await call(rename, "PATCH", `/api/auth/2fa/passkey/credentials/${theirs.id}`, {
      token,
      params: { id: String(theirs.id) },
      body: { name: "Mine now" },
    });
    expect(foreign.status).toBe(404);
    expect((await db.passkeyCredential.findUniqueOrThrow({ where: { id: theirs.id as number } })).name).toBe("Theirs");
    for (const id of ["999999", "abc", "-1"]) {
      expect(
        (
          await call(rename, "PATCH", `/api/auth/2fa/passkey/credentials/${id}`, {
            token,
            params: { id },
            body: { name: "x" },
          })
        ).status,
      ).toBe(404);
    }
    const blank = await call(rename, "PATCH", `/api/auth/2fa/passkey/credentials/${mine.id}`, {
      token,
      params: { id: String(mine.id) },
      body: { name: "   " },
    });
    expect(blank.status).toBe(400);
  });
});

describe("removing a passkey", () => {
  it("answers 400 without credential_id and 404 for unknown or foreign credentials", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const token = await accessTokenFor(user);
    await addPasskey(token, newAuthenticator());
    const theirs = await addPasskey(await accessTokenFor(other), newAuthenticator());
    const missing = await del(token, undefined);
    expect(missing.status).toBe(400);
    expect(missing.json.error).toBe("credential_id parameter required");
    expect((await del(token, "bm9wZQ")).status).toBe(404);
    const foreign = await del(token, theirs.credential_id as string, { password: user.password });
    expect(foreign.status).toBe(404);
    expect(await db.passkeyCredential.count()).toBe(2);
  });

  it("needs step-up with a second factor: the password alone is refused, the passkey itself (a session-bound assertion) works", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const authenticator = newAuthenticator();
    const passkey = await addPasskey(token, authenticator);
    await staleSessions(user.id);

    const bare = await del(token, passkey.credential_id as string);
    expect(bare.status).toBe(403);
    expect(bare.json.code).toBe("second_factor_required");
    const password = await del(token, passkey.credential_id as string, { password: user.password });
    expect(password.status).toBe(403);
    expect(password.json.code).toBe("second_factor_required");
    expect(await db.passkeyCredential.count()).toBe(1);

    const begun = await call(reauthOptions.POST, "POST", "/api/auth/reauthenticate/passkey/options", {
      token,
      body: {},
    });
    expect(begun.status, JSON.stringify(begun.json)).toBe(200);
    const options = begun.json.options as RequestOptions;
    // A challenge is bound to the session that asked: another session of the same user cannot use it.
    const elsewhere = await call(reauthenticate.POST, "POST", "/api/auth/reauthenticate", {
      token: await accessTokenFor(user),
      body: { passkey_response: authenticator.assert(options) },
    });
    expect(elsewhere.status).toBe(401);
    const again = await call(reauthOptions.POST, "POST", "/api/auth/reauthenticate/passkey/options", {
      token,
      body: {},
    });
    const proved = await call(reauthenticate.POST, "POST", "/api/auth/reauthenticate", {
      token,
      body: { passkey_response: authenticator.assert(again.json.options as RequestOptions) },
    });
    expect(proved.status, JSON.stringify(proved.json)).toBe(200);
    expect(proved.json.proved).toBe("passkey");

    const res = await del(token, passkey.credential_id as string);
    expect(res.status).toBe(200);
    expect(res.json.message).toBe("Passkey credential removed");
    expect(await db.passkeyCredential.count()).toBe(0);
    expect(await db.securityEvent.count({ where: { type: "passkey.removed", userId: user.id } })).toBe(1);
  });

  it("accepts a session with a fresh second factor without a proof, and credential_id in the body", async () => {
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const passkey = await addPasskey(token, newAuthenticator());
    // This session signed in with the password only: it never proved the passkey it wants to remove.
    expect((await del(token, undefined, { credential_id: passkey.credential_id })).json.code).toBe(
      "second_factor_required",
    );
    await db.authSession.updateMany({ where: { userId: user.id }, data: { passkeyAt: new Date() } });
    const res = await del(token, undefined, { credential_id: passkey.credential_id });
    expect(res.status).toBe(200);
  });

  it("refuses to remove a staff user's last factor while ADMIN_2FA_REQUIRED is on (403), and the pages say so", async () => {
    const { user, token } = await staffWithPasskey();
    const locked = async () => (await getSecurityOverview(user.id)).lastPasskeyLocked;
    expect(await locked()).toBe(true);
    const [only] = await db.passkeyCredential.findMany({ where: { userId: user.id } });
    const res = await del(token, only?.credentialId, { password: user.password });
    expect(res.status).toBe(403);
    expect(res.json.code).toBe("staff_last_factor");
    expect(await db.passkeyCredential.count({ where: { userId: user.id } })).toBe(1);
    // The refusal comes before step-up, so no proof was spent or counted.
    expect(await db.securityEvent.count({ where: { type: "reauth.failed" } })).toBe(0);

    await addPasskey(token, newAuthenticator());
    expect(await locked()).toBe(false);
    expect((await del(token, only?.credentialId, { password: user.password })).status).toBe(200);
    expect(await locked()).toBe(true);

    overrideSettings({ admin2faRequired: false });
    expect(await locked()).toBe(false);
    const [last] = await db.passkeyCredential.findMany({ where: { userId: user.id } });
    expect((await del(token, last?.credentialId, { password: user.password })).status).toBe(200);
  });

  it("lets only one of two concurrent removals take a staff user's second-to-last passkey", async () => {
    const { user, token } = await staffWithPasskey();
    await addPasskey(token, newAuthenticator());
    const ids = (await db.passkeyCredential.findMany({ where: { userId: user.id } })).map((p) => p.credentialId);
    const results = await Promise.all(ids.map((id) => del(token, id)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
    expect(await db.passkeyCredential.count({ where: { userId: user.id } })).toBe(1);
  });
});
