import { describe, expect, it } from "vitest";
import * as verify from "@/app/api/auth/verify/route";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verifyTotp from "@/app/api/auth/2fa/verify/totp/route";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import {
  accessTokenFor,
  advanceTime,
  enrollTotp,
  freezeTime,
  STEP_MS,
  startSecondFactorLogin,
  totpNow,
} from "../helpers/two-factor";

async function verifyWith(user: { username: string; password: string }, code: string) {
  const client = newClient();
  const session_id = await startSecondFactorLogin(user, client);
  return call(verify.POST, "POST", "/api/auth/verify", { client, body: { session_id, totp_token: code } });
}

describe("TOTP replay refusal", () => {
  it("the same code twice: the second login is refused", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const code = await totpNow(secret);
    expect((await verifyWith(user, code)).status).toBe(200);
    const replay = await verifyWith(user, code);
    expect(replay.status).toBe(401);
    expect(replay.json).toEqual({ error: "Invalid TOTP token", code: "invalid_totp" });
  });

  it("the enrollment code cannot be replayed to sign in", async () => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    const access = await accessTokenFor(user, client);
    const setup = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: access });
    const secret = setup.json.secret as string;
    const code = await totpNow(secret);
    expect(
      (
        await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
          client,
          token: access,
          body: { totp_token: code },
        })
      ).status,
    ).toBe(200);
    expect((await verifyWith(user, code)).status).toBe(401);
  });

  it("after a code is used, codes of earlier steps inside the drift window are refused too", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    expect((await verifyWith(user, await totpNow(secret, 1))).status).toBe(200);
    expect((await verifyWith(user, await totpNow(secret, 0))).status).toBe(401);
    expect((await verifyWith(user, await totpNow(secret, -1))).status).toBe(401);
    // The next step's code is fresh once time reaches it.
    advanceTime(2 * STEP_MS);
    expect((await verifyWith(user, await totpNow(secret))).status).toBe(200);
  });

  it("two concurrent logins with one code: exactly one succeeds", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const code = await totpNow(secret);
    const clients = Array.from({ length: 8 }, () => newClient());
    const sessions = await Promise.all(clients.map((client) => startSecondFactorLogin(user, client)));
    const results = await Promise.all(
      sessions.map((session_id, i) =>
        call(verify.POST, "POST", "/api/auth/verify", { client: clients[i], body: { session_id, totp_token: code } }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401)).toHaveLength(7);
    expect(await db.authSession.count({ where: { userId: user.id, amr: { has: "otp" } } })).toBe(1);
  });
});
