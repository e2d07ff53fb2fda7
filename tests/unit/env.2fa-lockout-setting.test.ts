import { describe, expect, it } from "vitest";
import { parseSettings } from "@/lib/env";
import { reachesSecondFactorLockout } from "@/lib/auth/two-factor/lockout";

const DB = "postgresql://postgres@127.0.0.1:5432/example";

describe("LOKDOWN_2FA_LOCKOUT_ATTEMPTS", () => {
  it("defaults to 10 and accepts 1 to 100 (NIST SP 800-63B-4 allows at most 100)", () => {
    expect(parseSettings({ DATABASE_URL: DB }).secondFactorLockoutAttempts).toBe(10);
    expect(parseSettings({ DATABASE_URL: DB, LOKDOWN_2FA_LOCKOUT_ATTEMPTS: "1" }).secondFactorLockoutAttempts).toBe(1);
    expect(parseSettings({ DATABASE_URL: DB, LOKDOWN_2FA_LOCKOUT_ATTEMPTS: "100" }).secondFactorLockoutAttempts).toBe(
      100,
    );
    for (const bad of ["0", "101", "-3", "ten", "2.5"])
      expect(() => parseSettings({ DATABASE_URL: DB, LOKDOWN_2FA_LOCKOUT_ATTEMPTS: bad }), bad).toThrow(
        /LOKDOWN_2FA_LOCKOUT_ATTEMPTS/,
      );
  });

  it("locks at the cap, not before", () => {
    expect(reachesSecondFactorLockout(9, 10)).toBe(false);
    expect(reachesSecondFactorLockout(10, 10)).toBe(true);
    expect(reachesSecondFactorLockout(11, 10)).toBe(true);
  });
});
