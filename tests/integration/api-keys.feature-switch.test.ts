import { describe, expect, it } from "vitest";
import { snapshotCounts } from "../helpers/db";
import { overrideSettings } from "../helpers/settings";
import { accessTokenFor } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { createKey, enableApiKeys, listKeys, postKey, revokeKey } from "../helpers/api-keys";

describe("LOKDOWN_API_KEYS_ENABLED", () => {
  it("is off by default: the management endpoints answer 403 and change nothing", async () => {
    const token = await accessTokenFor(await makeUser());
    const before = await snapshotCounts();
    for (const res of [
      await listKeys(token),
      await postKey(token, { name: "x" }),
      await postKey(token, { expires_in_days: "bad" }),
      await revokeKey(1, { token }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ error: "API keys are disabled", code: "api_keys_disabled" });
    }
    expect(await snapshotCounts()).toEqual(before);
  });

  it("turning it off keeps keys but refuses to manage them", async () => {
    enableApiKeys();
    const token = await accessTokenFor(await makeUser());
    const key = await createKey(token);
    overrideSettings({ apiKeys: { enabled: false } });
    expect((await revokeKey(key.id, { token })).status).toBe(403);
    expect((await listKeys(token)).status).toBe(403);
  });

  it("still asks anonymous callers to authenticate first", async () => {
    const res = await listKeys("");
    expect(res.status).toBe(401);
    expect(res.json.code).toBe("not_authenticated");
  });
});
