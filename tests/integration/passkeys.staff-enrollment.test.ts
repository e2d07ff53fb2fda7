import { describe, expect, it } from "vitest";
import * as setupEnrollment from "@/app/api/auth/login/setup/passkey/route";
import * as verifyEnrollment from "@/app/api/auth/login/verify/passkey/route";
import * as verify from "@/app/api/auth/verify/route";
import { decodeAccessToken } from "@/lib/auth/sessions/tokens";
import { db } from "@/lib/db";
import { call, newClient, type Client } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import {
  accessTokenFor,
  addPasskey,
  newAuthenticator,
  pendingLogin,
  type RegistrationOptions,
} from "../helpers/passkeys";

function setup(sessionId: unknown, client: Client) {
  return call(setupEnrollment.POST, "POST", "/api/auth/login/setup/passkey", {
    client,
    body: { session_id: sessionId },
  });
}

function finish(sessionId: unknown, passkeyResponse: unknown, client: Client) {
  return call(verifyEnrollment.POST, "POST", "/api/auth/login/verify/passkey", {
    client,
    body: { session_id: sessionId, passkey_response: passkeyResponse },
  });
}

describe("staff first sign-in with a passkey", () => {
  it("registers the passkey under a new session id, signs in and spends the login session", async () => {
    const user = await makeUser({ staff: true });
    const client = newClient();
    const pending = await pendingLogin(user, client);
    expect(pending).toMatchObject({ requires_2fa_setup: true, passkey_available: true });

    const begun = await setup(pending.session_id, client);
    expect(begun.status).toBe(200);
    expect(begun.json.session_id).not.toBe(pending.session_id);
    const options = begun.json.options as RegistrationOptions;
    expect(options.rp.id).toBe("localhost");

    const authenticator = newAuthenticator();
    const done = await finish(begun.json.session_id, authenticator.register(options), client);
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ requires_2fa: false, message: "Passkey setup verified successfully" });
    expect((await decodeAccessToken(done.json.access_token as string))?.amr).toEqual(["pwd", "hwk", "user", "mfa"]);
    expect(await db.passkeyCredential.count({ where: { userId: user.id } })).toBe(1);

    // Both the registration session and the original login session are used up.
    expect((await finish(begun.json.session_id, authenticator.register(options), client)).status).toBe(400);
    const reuse = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id: pending.session_id, backup_code: "AAAAAAAAAA" },
    });
    expect(reuse.status).toBe(400);
    expect(reuse.json.code).toBe("session_used");
  });

  it("is refused once the user has a factor: a password alone cannot add one (W1)", async () => {
    const user = await makeUser({ staff: true });
    const first = newClient();
    const pending = await pendingLogin(user, first);
    const begun = await setup(pending.session_id, first);
    expect(
      (
        await finish(
          begun.json.session_id,
          newAuthenticator().register(begun.json.options as RegistrationOptions),
          first,
        )
      ).status,
    ).toBe(200);

    // An attacker with the password starts a new login and tries to enroll their own passkey.
    const attacker = newClient();
    const again = await pendingLogin(user, attacker);
    expect(again.requires_2fa_setup).toBe(false);
    const refused = await setup(again.session_id, attacker);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe("2FA is already enabled; complete verification instead");
  });

  it("refuses a second enrollment that raced the first on an old registration session", async () => {
    const user = await makeUser({ staff: true });
    const client = newClient();
    const pending = await pendingLogin(user, client);
    const a = await setup(pending.session_id, client);
    const b = await setup(pending.session_id, client);
    expect(
      (await finish(a.json.session_id, newAuthenticator().register(a.json.options as RegistrationOptions), client))
        .status,
    ).toBe(200);
    const late = await finish(
      b.json.session_id,
      newAuthenticator().register(b.json.options as RegistrationOptions),
      client,
    );
    expect(late.status).toBe(400);
    expect(await db.passkeyCredential.count({ where: { userId: user.id } })).toBe(1);
  });

  it("is refused with 403 while LOKDOWN_PASSKEY_ENABLED is off", async () => {
    const staff = await makeUser({ staff: true });
    const client = newClient();
    const pending = await pendingLogin(staff, client);

    overrideSettings({ passkeyEnabled: false });
    const disabled = await setup(pending.session_id, client);
    expect(disabled.status).toBe(403);
    expect(disabled.json.error).toBe("Passkey support is disabled");
  });

  it("answers 403 for a non-staff pending login and 400 when admin 2FA is not required", async () => {
    const user = await makeUser();
    await addPasskey(await accessTokenFor(user), newAuthenticator());
    const client = newClient();
    const pending = await pendingLogin(user, client);
    const notStaff = await setup(pending.session_id, client);
    expect(notStaff.status).toBe(403);
    expect(notStaff.json.error).toBe("Not authorized for this user");

    const staff = await makeUser({ staff: true });
    const staffClient = newClient();
    const staffPending = await pendingLogin(staff, staffClient);
    overrideSettings({ admin2faRequired: false });
    const notRequired = await setup(staffPending.session_id, staffClient);
    expect(notRequired.status).toBe(400);
    expect(notRequired.json.error).toBe("Admin 2FA is not required");
  });

  it("answers 400 for unknown, malformed and foreign-client sessions, 401 for a bad attestation", async () => {
    const user = await makeUser({ staff: true });
    const client = newClient();
    expect((await setup("1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed", client)).status).toBe(400);
    expect((await finish("nope", {}, client)).status).toBe(400);
    const pending = await pendingLogin(user, client);
    const begun = await setup(pending.session_id, client);
    const elsewhere = await finish(
      begun.json.session_id,
      newAuthenticator().register(begun.json.options as RegistrationOptions),
      newClient(),
    );
    expect(elsewhere.status).toBe(400);
    const forged = await finish(
      begun.json.session_id,
      newAuthenticator().register(begun.json.options as RegistrationOptions, { origin: "https://evil.example" }),
      client,
    );
    expect(forged.status).toBe(401);
    expect(await db.passkeyCredential.count()).toBe(0);
  });
});
