import { describe, expect, it, onTestFinished } from "vitest";
import { readRows } from "@/lib/db";
import { advanceTime, freezeTime, accessTokenFor } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { createKey, enableApiKeys, meWithKey } from "../helpers/api-keys";

const DAY = 86_400_000;

/** The process time zone for one test; Node applies a changed TZ to later Date conversions. */
function inTimeZone(zone: string): void {
  const previous = process.env.TZ;
  process.env.TZ = zone;
  onTestFinished(() => {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  });
}

// The per-request credential checks read through node-postgres rather than Prisma, whose
// `timestamp(3)` columns hold UTC: read as local time, expiries would move by the zone's offset.
describe("credential checks read stored times as UTC", () => {
  for (const zone of ["Asia/Tokyo", "America/New_York"]) {
    it(`reads timestamp(3) as UTC with TZ=${zone}`, async () => {
      inTimeZone(zone);
      const [row] = await readRows<{ at: Date; missing: Date | null }>(
        "test_timestamp_as_utc",
        "SELECT $1::timestamp(3) AS at, NULL::timestamp(3) AS missing",
        ["2026-01-02 03:04:05.678"],
      );
      expect(row?.at.toISOString()).toBe("2026-01-02T03:04:05.678Z");
      expect(row?.missing).toBeNull();
    });

    it(`an API key works until its expiry and not after, with TZ=${zone}`, async () => {
      inTimeZone(zone);
      enableApiKeys();
      freezeTime();
      const key = await createKey(await accessTokenFor(await makeUser()), { expires_in_days: 1 });
      advanceTime(DAY - 1000);
      expect((await meWithKey(key.api_key)).status).toBe(200);
      advanceTime(2000);
      expect((await meWithKey(key.api_key)).status).toBe(401);
    });
  }
});
