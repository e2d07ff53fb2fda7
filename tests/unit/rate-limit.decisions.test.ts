import { describe, expect, it } from "vitest";
import { BACKOFF, decideBackoff, decideWindow } from "@/lib/auth/rate-limit";

const now = new Date(Date.UTC(2030, 0, 1, 12, 0, 0));
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe("decideWindow (fixed window per IP)", () => {
  it("allows up to the limit, counting the current attempt", () => {
    expect(decideWindow({ count: 1, expiresAt: later(60) }, 10, now)).toEqual({ allowed: true });
    expect(decideWindow({ count: 10, expiresAt: later(60) }, 10, now)).toEqual({ allowed: true });
  });

  it("refuses past the limit with Retry-After until the window ends", () => {
    expect(decideWindow({ count: 11, expiresAt: later(42) }, 10, now)).toEqual({ allowed: false, retryAfter: 42 });
    expect(decideWindow({ count: 11, expiresAt: new Date(now.getTime() + 41_100) }, 10, now)).toEqual({
      allowed: false,
      retryAfter: 42,
    });
  });

  it("never asks to retry after less than one second", () => {
    expect(decideWindow({ count: 50, expiresAt: now }, 10, now)).toEqual({ allowed: false, retryAfter: 1 });
    expect(decideWindow({ count: 50, expiresAt: later(-5) }, 10, now)).toEqual({ allowed: false, retryAfter: 1 });
  });
});

describe("decideBackoff (per account and IP)", () => {
  it("allows the first failures freely", () => {
    expect(decideBackoff(null, now)).toEqual({ allowed: true });
    for (let failures = 0; failures < BACKOFF.freeFailures; failures++) {
      expect(decideBackoff({ failures, lastFailureAt: now }, now)).toEqual({ allowed: true });
    }
  });

  it("doubles the wait with each failure past the free ones", () => {
    const waits = [0, 1, 2, 3].map((extra) =>
      decideBackoff({ failures: BACKOFF.freeFailures + extra, lastFailureAt: now }, now),
    );
    expect(waits).toEqual([
      { allowed: false, retryAfter: 2 },
      { allowed: false, retryAfter: 4 },
      { allowed: false, retryAfter: 8 },
      { allowed: false, retryAfter: 16 },
    ]);
  });

  it("caps the wait (backoff, not a lockout)", () => {
    expect(decideBackoff({ failures: 1000, lastFailureAt: now }, now)).toEqual({
      allowed: false,
      retryAfter: BACKOFF.maxDelaySeconds,
    });
    expect(decideBackoff({ failures: 1000, lastFailureAt: now }, later(BACKOFF.maxDelaySeconds))).toEqual({
      allowed: true,
    });
  });

  it("allows again once the wait has passed", () => {
    const state = { failures: BACKOFF.freeFailures + 2, lastFailureAt: now };
    expect(decideBackoff(state, later(7)).allowed).toBe(false);
    expect(decideBackoff(state, later(8))).toEqual({ allowed: true });
  });
});
