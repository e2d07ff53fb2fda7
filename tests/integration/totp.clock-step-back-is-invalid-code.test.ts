import { describe, expect, it } from "vitest";
import * as verify from "@/app/api/auth/verify/route";
import { db } from "@/lib/db";
import { call, newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import { advanceTime, enrollTotp, freezeTime, STEP_MS, startSecondFactorLogin, totpNow } from "../helpers/two-factor";

/**
 * Issue 15.13: one instance accepted a code while its clock was ahead; this one (clock injected,
 * five minutes behind) then sees a stored step in its future. The answer is 401 invalid_totp, not 500.
 */
describe("a clock step backwards", () => {
  it("answers an ordinary invalid code, changes nothing, and works again once time catches up", async () => {
    freezeTime();
    const user = await makeUser();
    const { secret } = await enrollTotp(user);
    const client = newClient();
    expect(
      (
        await call(verify.POST, "POST", "/api/auth/verify", {
          client,
          body: { session_id: await startSecondFactorLogin(user, client), totp_token: await totpNow(secret) },
        })
      ).status,
    ).toBe(200);
    const stored = await db.totpDevice.findUniqueOrThrow({ where: { userId: user.id } });

    advanceTime(-10 * STEP_MS);
    const session_id = await startSecondFactorLogin(user, client);
    const res = await call(verify.POST, "POST", "/api/auth/verify", {
      client,
      body: { session_id, totp_token: await totpNow(secret) },
    });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: "Invalid TOTP token", code: "invalid_totp" });
    expect((await db.totpDevice.findUniqueOrThrow({ where: { userId: user.id } })).lastUsedStep).toBe(
      stored.lastUsedStep,
    );

    advanceTime(11 * STEP_MS);
    const again = await startSecondFactorLogin(user, client);
    expect(
      (
        await call(verify.POST, "POST", "/api/auth/verify", {
          client,
          body: { session_id: again, totp_token: await totpNow(secret) },
        })
      ).status,
    ).toBe(200);
  });
});
