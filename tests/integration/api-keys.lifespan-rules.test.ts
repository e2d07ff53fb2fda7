import { describe, expect, it } from "vitest";
import { snapshotCounts } from "../helpers/db";
import { accessTokenFor, freezeTime } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { createKey, enableApiKeys, listKeys, postKey } from "../helpers/api-keys";

const DAY = 86_400_000;

describe("API key lifespans (§3.3 (25))", () => {
  it("allows keys that never expire by default, and keys with a lifespan in days", async () => {
    enableApiKeys();
    freezeTime();
    const token = await accessTokenFor(await makeUser());
    const forever = await createKey(token, { name: "  ci deploy  " });
    expect(forever.expires_at).toBeNull();
    expect(forever.name).toBe("ci deploy");
    const month = await createKey(token, { expires_in_days: 30 });
    expect(new Date(month.expires_at ?? "").getTime()).toBe(Date.now() + 30 * DAY);
    // DRF's IntegerField also takes a string of digits; null means "never".
    expect((await createKey(token, { expires_in_days: "7" })).expires_at).toBe(
      new Date(Date.now() + 7 * DAY).toISOString(),
    );
    expect((await createKey(token, { expires_in_days: null })).expires_at).toBeNull();

    const list = await listKeys(token);
    expect(list.status).toBe(200);
    expect((list.json.api_keys as unknown[]).length).toBe(4);
  });

  it("refuses indefinite keys when LOKDOWN_API_KEY_ALLOW_INDEFINITE is off", async () => {
    enableApiKeys({ allowIndefinite: false });
    const token = await accessTokenFor(await makeUser());
    const before = await snapshotCounts();
    for (const body of [{}, { expires_in_days: null }, { name: "x" }]) {
      const res = await postKey(token, body);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({
        error: "Indefinite API key lifespans are disabled",
        code: "api_key_indefinite_disabled",
      });
    }
    expect(await snapshotCounts()).toEqual(before);
    await createKey(token, { expires_in_days: 1 });
  });

  it("refuses lifespans beyond LOKDOWN_API_KEY_MAX_LIFESPAN_DAYS, and then indefinite ones too", async () => {
    enableApiKeys({ maxLifespanDays: 30 });
    const token = await accessTokenFor(await makeUser());
    const before = await snapshotCounts();
    const tooLong = await postKey(token, { expires_in_days: 31 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json).toMatchObject({
      error: "Expiry exceeds the configured maximum lifespan",
      code: "api_key_lifespan_exceeded",
    });
    // A maximum would mean nothing if "never" slipped past it.
    const forever = await postKey(token, {});
    expect(forever.status).toBe(400);
    expect(forever.json.code).toBe("api_key_indefinite_disabled");
    expect(await snapshotCounts()).toEqual(before);
    await createKey(token, { expires_in_days: 30 });
  });

  it("answers malformed fields with DRF-style field errors and creates nothing", async () => {
    enableApiKeys();
    const token = await accessTokenFor(await makeUser());
    const before = await snapshotCounts();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ expires_in_days: 0 }, "expires_in_days", "Ensure this value is greater than or equal to 1."],
      [{ expires_in_days: -5 }, "expires_in_days", "Ensure this value is greater than or equal to 1."],
      [{ expires_in_days: 1.5 }, "expires_in_days", "A valid integer is required."],
      [{ expires_in_days: "soon" }, "expires_in_days", "A valid integer is required."],
      [{ expires_in_days: true }, "expires_in_days", "A valid integer is required."],
      [{ expires_in_days: 1e300 }, "expires_in_days", "Ensure this value is less than or equal to 36500."],
      [{ name: "n".repeat(256) }, "name", "Ensure this field has no more than 255 characters."],
      [{ name: 42 }, "name", "Not a valid string."],
    ];
    for (const [body, field, message] of cases) {
      const res = await postKey(token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.code).toBe("validation_error");
      expect(res.json[field]).toEqual([message]);
    }
    const notJson = await postKey(token, undefined, { rawBody: "{", headers: { "content-type": "application/json" } });
    expect(notJson.status).toBe(400);
    expect(await snapshotCounts()).toEqual(before);
  });
});
