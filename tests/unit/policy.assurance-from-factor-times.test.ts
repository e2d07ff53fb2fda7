import { describe, expect, it } from "vitest";
import { AMR } from "@/lib/auth/policy/amr";
import { assuranceOf, factorTimesFromAmr } from "@/lib/auth/policy/session-assurance";
import { POLICY_ACTIONS, proofFor, requirePolicy, type PolicyCaller } from "@/lib/auth/policy/assurance-policy";
import { settings } from "@/lib/env";

const NOW = new Date(Date.UTC(2030, 0, 1, 12));
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

function session(
  amr: string[],
  provedAt: Date,
  account = { hasSecondFactor: true, hasPassword: true },
  isStaff = false,
): PolicyCaller {
  return { kind: "session", userId: 1, isStaff, sessionId: "s", times: factorTimesFromAmr(amr, provedAt), account };
}

describe("assurance from per-factor times", () => {
  it("AAL2 needs a second factor in this session; password + trusted browser is AAL1", () => {
    expect(assuranceOf(factorTimesFromAmr([AMR.password], NOW))).toBe("aal1");
    expect(assuranceOf(factorTimesFromAmr([AMR.oauth], NOW))).toBe("aal1");
    expect(assuranceOf(factorTimesFromAmr([AMR.password, AMR.trustedDevice], NOW))).toBe("aal1");
    expect(assuranceOf(factorTimesFromAmr([AMR.password, AMR.totp, AMR.multiFactor], NOW))).toBe("aal2");
    expect(assuranceOf(factorTimesFromAmr([AMR.passkey, AMR.userVerified], NOW))).toBe("aal2");
    expect(assuranceOf(factorTimesFromAmr([AMR.password, AMR.backupCode, AMR.multiFactor], NOW))).toBe("aal2");
  });

  it("step-up asks an account with a second factor for a second factor, else its password, else its provider", () => {
    expect(proofFor({ hasSecondFactor: true, hasPassword: true })).toBe("second_factor");
    expect(proofFor({ hasSecondFactor: true, hasPassword: false })).toBe("second_factor");
    expect(proofFor({ hasSecondFactor: false, hasPassword: true })).toBe("password");
    expect(proofFor({ hasSecondFactor: false, hasPassword: false })).toBe("provider");
  });
});

describe("requirePolicy", () => {
  it("never lets an API key or nobody take any action", () => {
    for (const action of POLICY_ACTIONS) {
      expect(requirePolicy(action, { kind: "none" }, NOW)).toMatchObject({ ok: false, code: "not_authenticated" });
      expect(requirePolicy(action, { kind: "api_key", userId: 1, isStaff: true }, NOW)).toMatchObject({
        ok: false,
        code: "api_key_not_allowed",
      });
    }
  });

  it("a fresh password does not replace a second factor: the trusted-browser session must prove one", () => {
    const trusted = session([AMR.password, AMR.trustedDevice], NOW);
    expect(requirePolicy("two_factor.disable", trusted, NOW)).toMatchObject({
      ok: false,
      code: "second_factor_required",
      body: { proof: "second_factor" },
    });
    expect(requirePolicy("passkey.add", trusted, NOW)).toMatchObject({ ok: false, code: "second_factor_required" });
    expect(requirePolicy("two_factor.disable", session([AMR.password, AMR.totp, AMR.multiFactor], NOW), NOW).ok).toBe(
      true,
    );
  });

  it("the proof must be at most LOKDOWN_STEP_UP_MINUTES old", () => {
    const minutes = settings.stepUpMinutes;
    expect(
      requirePolicy("backup_codes.regenerate", session([AMR.password, AMR.totp], minutesAgo(minutes)), NOW).ok,
    ).toBe(true);
    expect(
      requirePolicy("backup_codes.regenerate", session([AMR.password, AMR.totp], minutesAgo(minutes + 1)), NOW),
    ).toMatchObject({ ok: false, code: "second_factor_required" });
    const noFactor = { hasSecondFactor: false, hasPassword: true };
    expect(requirePolicy("totp.add", session([AMR.password], minutesAgo(minutes + 1), noFactor), NOW)).toMatchObject({
      ok: false,
      code: "reauth_required",
      body: { proof: "password" },
    });
    expect(requirePolicy("totp.add", session([AMR.password], NOW, noFactor), NOW).ok).toBe(true);
    const providerOnly = { hasSecondFactor: false, hasPassword: false };
    expect(
      requirePolicy("password.change", session([AMR.oauth], minutesAgo(minutes + 1), providerOnly), NOW),
    ).toMatchObject({ ok: false, code: "provider_reauth_required" });
  });

  it("protective actions need a live session at the account's level, not a fresh proof", () => {
    expect(
      requirePolicy(
        "sessions.revoke",
        session([AMR.password], minutesAgo(600), { hasSecondFactor: false, hasPassword: true }),
        NOW,
      ).ok,
    ).toBe(true);
    expect(requirePolicy("api_key.revoke", session([AMR.password, AMR.trustedDevice], minutesAgo(600)), NOW).ok).toBe(
      true,
    );
  });

  it("staff power over others needs staff and AAL2 in this session", () => {
    expect(requirePolicy("staff.revoke_credentials", session([AMR.password, AMR.totp], NOW), NOW)).toMatchObject({
      ok: false,
      code: "not_authorized_for_user",
    });
    expect(requirePolicy("staff.revoke_credentials", session([AMR.password], NOW, undefined, true), NOW)).toMatchObject(
      { ok: false, code: "staff_aal2_required" },
    );
    expect(
      requirePolicy("staff.revoke_credentials", session([AMR.password, AMR.trustedDevice], NOW, undefined, true), NOW),
    ).toMatchObject({ ok: false, code: "staff_aal2_required" });
    expect(
      requirePolicy(
        "staff.revoke_credentials",
        session([AMR.password, AMR.totp], minutesAgo(600), undefined, true),
        NOW,
      ).ok,
    ).toBe(true);
    expect(
      requirePolicy("staff.manage_user", session([AMR.password, AMR.totp], minutesAgo(600), undefined, true), NOW),
    ).toMatchObject({ ok: false, code: "second_factor_required" });
  });
});
