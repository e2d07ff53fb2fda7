import { onTestFinished } from "vitest";

/** Time zones where local time is far from UTC, either way. */
export const FAR_FROM_UTC = ["Asia/Tokyo", "America/New_York"] as const;

/** The process time zone for one test; Node applies a changed TZ to later Date conversions. */
export function inTimeZone(zone: string): void {
  const previous = process.env.TZ;
  process.env.TZ = zone;
  onTestFinished(() => {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  });
}
