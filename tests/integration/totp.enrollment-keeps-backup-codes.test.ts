import { describe, expect, it } from "vitest";
import * as setupTotp from "@/app/api/auth/2fa/setup/totp/route";
import * as verifyTotp from "@/app/api/auth/2fa/verify/totp/route";
import { db } from "@/lib/db";
import { AMR } from "@/lib/auth/policy/amr";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { replaceBackupCodes } from "@/lib/auth/two-factor/backup-codes";
import { call, newClient } from "../helpers/http";
import { givePasskey } from "../helpers/security-seed";
import { freezeTime, totpNow } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

/** Adding an authenticator app to an account that already has backup codes must not void them. */
describe("TOTP enrollment and backup codes", () => {
  it("keeps the unused codes of an account that has them (answers an empty list), and makes codes only when there are none", async () => {
    freezeTime();
    const user = await makeUser();
    await givePasskey(user.id);
    const saved = await replaceBackupCodes(db, user.id);
    const client = newClient();
    // A session that proved the passkey just now: adding a factor to an account with one needs that.
    const { access } = await issueTokenPair(db, {
      userId: user.id,
      amr: [AMR.passkey, AMR.userVerified, AMR.multiFactor],
      client,
    });
    const setup = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", { client, token: access, body: {} });
    expect(setup.status, JSON.stringify(setup.json)).toBe(200);
    const before = await db.backupCode.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } });
    const done = await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
      client,
      token: access,
      body: { totp_token: await totpNow(setup.json.secret as string) },
    });
    expect(done.status, JSON.stringify(done.json)).toBe(200);
    expect(done.json.backup_codes).toEqual([]);
    expect(await db.backupCode.findMany({ where: { userId: user.id }, orderBy: { id: "asc" } })).toEqual(before);
    expect(saved).toHaveLength(before.length);

    const fresh = await makeUser();
    const pair = await issueTokenPair(db, { userId: fresh.id, amr: [AMR.password], client });
    const start = await call(setupTotp.POST, "POST", "/api/auth/2fa/setup/totp", {
      client,
      token: pair.access,
      body: {},
    });
    const first = await call(verifyTotp.POST, "POST", "/api/auth/2fa/verify/totp", {
      client,
      token: pair.access,
      body: { totp_token: await totpNow(start.json.secret as string) },
    });
    expect(first.json.backup_codes).toHaveLength(8);
  });
});
