import type { ErrorCode } from "@/lib/auth/errors";

/** Failures several endpoints share, for their `errors` declarations (documentation only). */

/** A pending sign-in (the session_id of a challenge) that is unknown, expired or already used. */
export const PENDING_LOGIN_ERRORS: ErrorCode[] = ["invalid_session", "session_used"];

/** What the policy (lib/auth/policy/assurance-policy.ts) may answer: which proof it wants, a wrong one, too many. */
export const STEP_UP_ERRORS: ErrorCode[] = [
  "reauth_required",
  "second_factor_required",
  "provider_reauth_required",
  "invalid_reauth",
  "rate_limited",
];

/** Social sign-in switched off, not configured, or an unacceptable callback URL. */
export const SOCIAL_ERRORS: ErrorCode[] = ["social_auth_disabled", "oauth_not_configured", "invalid_callback_url"];
