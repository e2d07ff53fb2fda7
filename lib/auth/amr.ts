/**
 * Authentication method references (RFC 8176 names where one exists) carried in access tokens and
 * sessions. "mfa" marks a session that passed a second factor.
 */
export const AMR = {
  password: "pwd",
  oauth: "fed",
  totp: "otp",
  passkey: "hwk",
  userVerified: "user",
  backupCode: "rec",
  multiFactor: "mfa",
} as const;

export function passedSecondFactor(amr: readonly string[]): boolean {
  return amr.includes(AMR.multiFactor);
}
