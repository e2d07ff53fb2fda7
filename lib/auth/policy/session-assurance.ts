import { AMR } from "./amr";

/**
 * What a session has proved, factor by factor, and when (the auth_sessions *_at columns). Each
 * time is the latest proof of that factor in this session: at sign-in or at a later step-up.
 */
export type FactorTimes = {
  passwordAt: Date | null;
  providerAt: Date | null;
  totpAt: Date | null;
  passkeyAt: Date | null;
  backupCodeAt: Date | null;
};

export type FactorName = "password" | "provider" | "totp" | "passkey" | "backupCode";

const COLUMN: Record<FactorName, keyof FactorTimes> = {
  password: "passwordAt",
  provider: "providerAt",
  totp: "totpAt",
  passkey: "passkeyAt",
  backupCode: "backupCodeAt",
};

/** NIST SP 800-63B-4 authenticator assurance levels this app reaches. */
export type AssuranceLevel = "aal1" | "aal2";

export const SECOND_FACTORS: readonly FactorName[] = ["totp", "passkey", "backupCode"];

/** The factors an `amr` list (RFC 8176 names, lib/auth/policy/amr.ts) says were used. "tdv" is none. */
export function factorsFromAmr(amr: readonly string[]): FactorName[] {
  const used: FactorName[] = [];
  if (amr.includes(AMR.password)) used.push("password");
  if (amr.includes(AMR.oauth)) used.push("provider");
  if (amr.includes(AMR.totp)) used.push("totp");
  if (amr.includes(AMR.passkey)) used.push("passkey");
  if (amr.includes(AMR.backupCode)) used.push("backupCode");
  return used;
}

/** The per-factor columns of a new session: every factor the sign-in used, proved `now`. */
export function factorTimesFromAmr(amr: readonly string[], now: Date): FactorTimes {
  const times: FactorTimes = { passwordAt: null, providerAt: null, totpAt: null, passkeyAt: null, backupCodeAt: null };
  for (const factor of factorsFromAmr(amr)) times[COLUMN[factor]] = now;
  return times;
}

/** The column a step-up proof of `factor` writes. */
export function factorColumn(factor: FactorName): keyof FactorTimes {
  return COLUMN[factor];
}

/**
 * AAL2 once the session holds a second factor (TOTP, passkey or backup code; a passkey alone is a
 * user-verified multi-factor authenticator, since passwordless sign-in demands verification).
 * Everything else, including password + trusted browser, is AAL1.
 */
export function assuranceOf(times: FactorTimes): AssuranceLevel {
  return SECOND_FACTORS.some((f) => times[COLUMN[f]] !== null) ? "aal2" : "aal1";
}

/** The latest proof among `factors`, or null if none was ever made in this session. */
export function latestProof(times: FactorTimes, factors: readonly FactorName[]): Date | null {
  let latest: Date | null = null;
  for (const f of factors) {
    const at = times[COLUMN[f]];
    if (at && (!latest || at > latest)) latest = at;
  }
  return latest;
}
