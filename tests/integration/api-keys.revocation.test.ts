import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AMR } from "@/lib/auth/policy/amr";
import { issueTokenPair } from "@/lib/auth/sessions/tokens";
import { newClient } from "../helpers/http";
import { accessTokenFor } from "../helpers/two-factor";
import { overrideSettings } from "../helpers/settings";
import { makeUser } from "../helpers/users";
import { createKey, enableApiKeys, listKeys, meWithKey, revokeKey } from "../helpers/api-keys";

describe("revoking API keys", () => {
  it("a revoked key fails on the very next request and leaves the listing", async () => {
    enableApiKeys();
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const key = await createKey(token, { name: "laptop" });
    expect((await meWithKey(key.api_key)).status).toBe(200);

    const revoked = await revokeKey(key.id, { token });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toEqual({ message: "API key revoked" });

    const after = await meWithKey(key.api_key);
    expect(after.status).toBe(401);
    expect(after.json).toMatchObject({
      error: "Invalid or expired API key",
      code: "api_key_invalid",
      detail: "Invalid or expired API key",
    });
    expect(after.headers.get("www-authenticate")).toBeTruthy();
    expect((await listKeys(token)).json.api_keys).toEqual([]);

    const again = await revokeKey(key.id, { token });
    expect(again.status).toBe(404);
    expect(again.json).toMatchObject({ error: "API key not found", code: "api_key_not_found" });

    const events = await db.securityEvent.findMany({
      where: { userId: user.id, type: { startsWith: "api_key." } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.type)).toEqual(["api_key.created", "api_key.revoked"]);
    expect(JSON.stringify(events.map((e) => e.details))).not.toContain(key.api_key.split(".")[1]);
  });

  it("someone else's key is not found for a user, and revocable by staff", async () => {
    enableApiKeys();
    overrideSettings({ admin2faRequired: false });
    const owner = await makeUser();
    const key = await createKey(await accessTokenFor(owner));

    const stranger = await accessTokenFor(await makeUser());
    const refused = await revokeKey(key.id, { token: stranger });
    expect(refused.status).toBe(404);
    expect(refused.json.code).toBe("api_key_not_found");
    expect((await meWithKey(key.api_key)).status).toBe(200);

    // Staff power over another user's key needs a second factor in the staff session (policy staff.revoke_credentials).
    const staffUser = await makeUser({ staff: true });
    const withoutSecondFactor = await revokeKey(key.id, { token: await accessTokenFor(staffUser) });
    expect(withoutSecondFactor.status).toBe(403);
    expect(withoutSecondFactor.json.code).toBe("staff_aal2_required");
    expect((await meWithKey(key.api_key)).status).toBe(200);
    const staff = (
      await issueTokenPair(db, {
        userId: staffUser.id,
        amr: [AMR.password, AMR.totp, AMR.multiFactor],
        client: newClient(),
      })
    ).access;
    const done = await revokeKey(key.id, { token: staff });
    expect(done.status).toBe(200);
    expect((await meWithKey(key.api_key)).status).toBe(401);
    const event = await db.securityEvent.findFirstOrThrow({ where: { type: "api_key.revoked" } });
    expect(event.userId).toBe(owner.id);
  });

  it("answers a JSON 404, never a 500, for ids that are not a key", async () => {
    enableApiKeys();
    const token = await accessTokenFor(await makeUser());
    for (const id of ["abc", "1.5", "-1", "0", "01", "99999999999", "2147483648", "1e3", "%20", "999"]) {
      const res = await revokeKey(id, { token });
      expect(res.status, id).toBe(404);
      expect(res.json.code, id).toBe("api_key_not_found");
    }
    expect((await revokeKey(1)).status).toBe(401);
  });
});
