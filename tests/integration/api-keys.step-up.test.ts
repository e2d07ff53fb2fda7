import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { snapshotCounts } from "../helpers/db";
import { overrideSettings } from "../helpers/settings";
import { accessTokenFor, advanceTime, enrollTotp, freezeTime, totpNow } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { createKey, enableApiKeys, postKey } from "../helpers/api-keys";

const ELEVEN_MINUTES = 11 * 60_000;

describe("creating an API key needs step-up", () => {
  it("needs a fresh sign-in or a password in the body once the session's window has passed", async () => {
    enableApiKeys();
    freezeTime();
    const user = await makeUser();
    const token = await accessTokenFor(user);
    // Right after sign-in the session has just proved the password.
    await createKey(token);

    advanceTime(ELEVEN_MINUTES);
    const before = await snapshotCounts();
    const stale = await postKey(token, {});
    expect(stale.status).toBe(403);
    expect(stale.json.code).toBe("reauth_required");
    const wrong = await postKey(token, { password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe("invalid_reauth");
    expect(await snapshotCounts()).toEqual(before);

    await createKey(token, { password: user.password });
    // The proof refreshed the window.
    await createKey(token);
    expect(await db.securityEvent.count({ where: { type: "reauth.failed", userId: user.id } })).toBe(1);
  });

  it("accepts a TOTP code, and never spends a backup code on a request it refuses", async () => {
    enableApiKeys({ maxLifespanDays: 30 });
    overrideSettings({ tokens: { accessMinutes: 120 } });
    freezeTime();
    const user = await makeUser();
    const { secret, backupCodes, access } = await enrollTotp(user);
    advanceTime(ELEVEN_MINUTES);
    const code = backupCodes[0] ?? "";

    const refused = await postKey(access, { expires_in_days: 365, backup_code: code });
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe("api_key_lifespan_exceeded");
    expect(await db.backupCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(0);

    await createKey(access, { expires_in_days: 30, totp_token: await totpNow(secret) });
    advanceTime(ELEVEN_MINUTES);
    await createKey(access, { expires_in_days: 30, backup_code: code });
    expect(await db.backupCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
  });
});
