/** The document's groups of operations, in the order it lists them; each endpoint names one. */
export const TAGS = {
  "Sign-in": "Password, second-factor and passwordless sign-in, JWT refresh and logout.",
  "Social sign-in":
    "Sign-in with an OAuth / OpenID Connect provider (LOKDOWN_SOCIALAUTH_ENABLED), for single-page apps.",
  "Staff enrollment": "First sign-in of staff without a factor while ADMIN_2FA_REQUIRED is on.",
  "Two-factor": "TOTP, backup codes and 2FA status of the signed-in user.",
  Passkeys: "The signed-in user's passkeys.",
  "API keys": "Long-lived keys for scripts: `Authorization: Api-Key <key>`.",
  Account: "Who is calling, their sessions and password.",
  Meta: "Health and this description.",
} as const;
export type Tag = keyof typeof TAGS;
