/**
 * Every success message of the admin area, in one place (errors come from lib/auth/errors.ts): the
 * texts for ?notice=… after a list action (only these can appear: nothing is echoed from the URL),
 * and the outcome an action on one user shows.
 */
export const NOTICES = {
  api_keys_revoked: (n: number) => `${n} API key${n === 1 ? "" : "s"} revoked.`,
  sessions_revoked: (n: number) => `${n} session${n === 1 ? "" : "s"} revoked.`,
  login_sessions_expired: (n: number) => `${n} pending login${n === 1 ? "" : "s"} expired.`,
  login_sessions_deleted: (n: number) => `${n} expired login session${n === 1 ? "" : "s"} deleted.`,
  none_selected: () => "Select at least one row first.",
  provider_created: () => "Provider added.",
  provider_updated: () => "Provider saved.",
  provider_enabled: () => "Provider enabled.",
  provider_disabled: () => "Provider disabled.",
  provider_deleted: () => "Provider deleted.",
  two_factor_reset: () =>
    "Two-factor authentication was reset and the user's sessions were ended. The reason is in the security log.",
  user_activated: () => "The account is active again.",
  user_deactivated: () => "The account is deactivated and its sessions were ended.",
  staff_granted: () => "Now staff. They reach the admin area after a second factor in their own session.",
  staff_revoked: () => "No longer staff.",
  second_factor_unlocked: () => "Sign-in with a code works again for this user.",
  superuser_granted: () => "Now a superuser: may manage staff.",
  superuser_revoked: () => "No longer a superuser.",
} as const satisfies Record<string, (n: number) => string>;

export type Notice = keyof typeof NOTICES;

export const noticeText = (notice: Notice, n = 0): string => NOTICES[notice](n);
