import { describe, expect, it } from "vitest";
import { accessTokenFor, advanceTime, freezeTime } from "../helpers/two-factor";
import { newClient } from "../helpers/http";
import { makeUser } from "../helpers/users";
import { createKey, enableApiKeys, postKey, revokeKey } from "../helpers/api-keys";

describe("per-user cap on active API keys (LOKDOWN_API_KEY_MAX_PER_USER)", () => {
  it("answers 400 beyond the cap; revoked and expired keys free a place", async () => {
    enableApiKeys({ maxPerUser: 3 });
    freezeTime();
    const user = await makeUser();
    let token = await accessTokenFor(user);
    await createKey(token, { expires_in_days: 1 });
    const second = await createKey(token);
    await createKey(token);
    const over = await postKey(token, {});
    expect(over.status).toBe(400);
    expect(over.json).toMatchObject({
      error: "You have reached the maximum number of active API keys",
      code: "api_key_limit_reached",
    });

    // Other users have their own allowance.
    await createKey(await accessTokenFor(await makeUser()));

    expect((await revokeKey(second.id, { token })).status).toBe(200);
    await createKey(token);
    expect((await postKey(token, {})).status).toBe(400);

    advanceTime(86_400_000 + 1000);
    token = await accessTokenFor(user);
    await createKey(token);
    expect((await postKey(token, {})).status).toBe(400);
  });

  it("holds under concurrent creation: exactly the cap succeeds", async () => {
    enableApiKeys({ maxPerUser: 3 });
    const token = await accessTokenFor(await makeUser());
    const results = await Promise.all(Array.from({ length: 8 }, () => postKey(token, {}, { client: newClient() })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 201, 400, 400, 400, 400, 400]);
    for (const r of results.filter((r) => r.status === 400)) expect(r.json.code).toBe("api_key_limit_reached");
  });
});
