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
  /**
   * The second factor was skipped because this browser was trusted earlier. Not an RFC 8176 value,
   * and deliberately not "mfa": such a session never counts as having passed 2FA.
   */
  trustedDevice: "tdv",
} as const;

export function passedSecondFactor(amr: readonly string[]): boolean {
  return amr.includes(AMR.multiFactor);
}
