import { describe, expect, it } from "vitest";
import { readRows } from "@/lib/db";
import { FAR_FROM_UTC, inTimeZone } from "../helpers/time-zone";

// The per-request credential checks read through node-postgres rather than Prisma, whose
// `timestamp(3)` columns hold UTC: read as local time, expiries would move by the zone's offset
// (api-keys.authentication runs its expiry test in these zones too).
describe("credential checks read and write stored times as UTC", () => {
  for (const zone of FAR_FROM_UTC) {
    it(`reads timestamp(3) as UTC with TZ=${zone}`, async () => {
      inTimeZone(zone);
      const [row] = await readRows<{ at: Date; missing: Date | null }>(
        "SELECT $1::timestamp(3) AS at, NULL::timestamp(3) AS missing",
        ["2026-01-02 03:04:05.678"],
      );
      expect(row?.at.toISOString()).toBe("2026-01-02T03:04:05.678Z");
      expect(row?.missing).toBeNull();
    });

    it(`writes a Date parameter as UTC with TZ=${zone}`, async () => {
      inTimeZone(zone);
      // Sign-in writes its rate-limit windows, session and events through the pool this way.
      const [row] = await readRows<{ at: string }>(
        "SELECT to_char($1::timestamp(3), 'YYYY-MM-DD HH24:MI:SS.MS') AS at",
        [new Date("2026-01-02T03:04:05.678Z")],
      );
      expect(row?.at).toBe("2026-01-02 03:04:05.678");
    });
  }
});
