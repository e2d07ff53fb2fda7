import { describe, expect, it } from "vitest";
import * as verify from "@/app/api/auth/verify/route";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verifyTotp from "@/app/api/auth/2fa/verify/totp/route";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import {
  accessTokenFor,
  advanceTime,
  enrollTotp,
  STEP_MS,
  freezeTime,
  startSecondFactorLogin,
  totpNow,
} from "../helpers/two-factor";

async function loginWithOffset(offset: number) {
  const user = await makeUser();
  const { secret } = await enrollTotp(user);
  // enrollTotp moved one step past the enrollment code; one more so "step -1" is not that code.
  advanceTime(STEP_MS);
  const client = newClient();
  const session_id = await startSecondFactorLogin(user, client);
  // A far step's code can collide with a near one (1 in 10^6); make sure the test means what it says.
  const code = await totpNow(secret, offset);
  const near = await Promise.all([-1, 0, 1].map((o) => totpNow(secret, o)));
  if (Math.abs(offset) > 1) expect(near).not.toContain(code);
  return call(verify.POST, "POST", "/api/auth/verify", { client, body: { session_id, totp_token: code } });
}

describe("TOTP clock drift window at login", () => {
  it.each([-1, 0, 1])("accepts the code of step %i", async (offset) => {
    freezeTime();
    expect((await loginWithOffset(offset)).status).toBe(200);
  });

  it.each([-2, 2])("refuses the code of step %i", async (offset) => {
    freezeTime();
    const res = await loginWithOffset(offset);
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("invalid_totp");
  });
});

describe("TOTP clock drift window at enrollment", () => {
  it.each([
    [-1, 200],
    [1, 200],
    [-2, 401],
    [2, 401],
  ])("step %i answers %i", async (offset, expected) => {
    freezeTime();
    const user = await makeUser();
    const client = newClient();
    const access = await accessTokenFor(user, client);
    const setup = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: access });
    const secret = setup.json.secret as string;
    const res = await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
      client,
      token: access,
      body: { totp_token: await totpNow(secret, offset) },
    });
    expect(res.status).toBe(expected);
  });
});
