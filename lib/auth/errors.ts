/**
 * Every expected failure of lib/auth, with its HTTP status and the message django-lokdown sends.
 * Core functions return these as values; lib/http turns them into JSON responses in one place.
 */
export const ERRORS = {
  validation_error: { status: 400, message: "Invalid request" },
  /** The form-side validation_error: the field messages say what to fix. */
  form_invalid: { status: 400, message: "Please correct the highlighted fields." },
  code_required: { status: 400, message: "Enter the code." },
  invalid_json: { status: 400, message: "Request body must be valid JSON" },
  unsupported_media_type: { status: 415, message: "Content-Type must be application/json" },
  payload_too_large: { status: 413, message: "Request body is too large" },
  request_header_too_large: { status: 431, message: "Request header fields too large" },
  method_not_allowed: { status: 405, message: "Method not allowed" },
  not_found: { status: 404, message: "Not found" },

  invalid_credentials: { status: 401, message: "Invalid credentials" },
  /** SimpleJWT answers field errors on /auth/token with 401, not 400. */
  token_request_invalid: { status: 401, message: "Invalid request" },
  rate_limited: { status: 429, message: "Too many authentication attempts" },
  backup_code_rate_limited: { status: 429, message: "Too many backup code attempts" },
  signup_disabled: { status: 403, message: "Registration is disabled" },
  username_taken: { status: 400, message: "A user with that username already exists" },
  email_taken: { status: 400, message: "A user with that email already exists" },
  weak_password: { status: 400, message: "This password is too weak" },
  email_not_verified: {
    status: 403,
    message: "Confirm your e-mail address before signing in: open the link we sent, or ask for a new one",
  },
  invalid_email_verification_token: {
    status: 400,
    message: "This confirmation link is invalid, was already used or has expired",
  },
  auth_session_failed: { status: 500, message: "Failed to create authentication session" },

  invalid_session: { status: 400, message: "Invalid or expired session" },
  session_used: { status: 400, message: "Session already used" },
  no_2fa_method: { status: 400, message: "No valid 2FA method provided" },
  /** /auth/token's challenge (SimpleJWT's obtain-pair answers 401 with the pending-login payload); wire codes start with a digit. */
  "2fa_required": { status: 401, message: "2FA verification required" },
  "2fa_setup_required": { status: 401, message: "2FA setup required" },
  invalid_totp: { status: 401, message: "Invalid TOTP token" },
  invalid_passkey: { status: 401, message: "Invalid passkey response" },
  invalid_backup_code: { status: 401, message: "Invalid backup code" },
  primary_2fa_required: { status: 403, message: "Primary 2FA enrollment required before using backup codes" },
  not_authorized_for_user: { status: 403, message: "Not authorized for this user" },
  admin_2fa_not_required: { status: 400, message: "Admin 2FA is not required" },
  twofa_already_enabled: { status: 400, message: "2FA is already enabled; complete verification instead" },

  not_authenticated: { status: 401, message: "Authentication credentials were not provided." },
  token_not_valid: { status: 401, message: "Token is invalid or expired" },
  api_key_invalid: { status: 401, message: "Invalid or expired API key" },
  api_key_not_allowed: { status: 403, message: "API keys cannot be used for this endpoint; sign in with a password" },
  /** Step-up refusals (lib/auth/policy/assurance-policy.ts), one per proof the policy asks for. */
  reauth_required: { status: 403, message: "Confirm your password to continue" },
  second_factor_required: {
    status: 403,
    message: "Confirm with your authenticator app, a passkey or a backup code to continue",
  },
  provider_reauth_required: { status: 403, message: "Sign in again with your provider to continue" },
  staff_aal2_required: {
    status: 403,
    message: "Staff actions on other users need a session signed in with a second factor",
  },
  current_password_required: { status: 400, message: "Enter your current password" },
  invalid_reauth: { status: 401, message: "Invalid password or code" },
  /** Forms only: the step-up dialog was sent without any of the proofs it asks for. */
  reauth_proof_missing: { status: 400, message: "Enter the confirmation asked for." },
  /** Forms only: the browser's session ended while the page was open (the dialog sends it to sign in). */
  web_session_ended: { status: 401, message: "Your session has ended. Sign in again." },

  session_not_found: { status: 404, message: "Session not found" },
  trusted_device_not_found: { status: 404, message: "Trusted browser not found" },
  invalid_reset_token: { status: 400, message: "This password reset link is invalid or has expired" },
  invalid_email_change_token: { status: 400, message: "This confirmation link is invalid or has expired" },
  email_change_session_ended: {
    status: 400,
    message:
      "This confirmation link stopped working because the session that asked for the change has ended; sign in and ask again",
  },
  invalid_security_link: { status: 400, message: "This link is invalid or has expired" },
  security_link_used: { status: 400, message: "This link was already used" },
  same_email: { status: 400, message: "That is already your email address" },

  totp_disabled: { status: 403, message: "TOTP support is disabled" },
  totp_already_enabled: { status: 400, message: "TOTP is already enabled" },
  totp_missing_token: { status: 400, message: "Missing token" },
  totp_no_pending_setup: { status: 400, message: "No pending TOTP setup found" },
  totp_setup_failed: { status: 500, message: "Failed to complete TOTP setup" },
  twofa_required_for_staff: {
    status: 403,
    message: "Staff accounts must keep two-factor authentication while ADMIN_2FA_REQUIRED is on",
  },
  no_backup_codes_without_factor: { status: 400, message: "Enable TOTP or a passkey before generating backup codes" },

  passkey_disabled: { status: 403, message: "Passkey support is disabled" },
  passkey_not_enabled: { status: 400, message: "User does not have passkey enabled" },
  passkey_no_challenge: { status: 400, message: "No valid session challenge found" },
  passkey_save_failed: { status: 400, message: "Failed to save passkey credential" },
  passkey_already_registered: { status: 400, message: "This passkey is already registered" },
  /** The browser returned no usable credential (cancelled, timed out or malformed). */
  passkey_no_response: { status: 400, message: "The passkey did not answer. Try again." },
  passkey_not_created: { status: 400, message: "The passkey was not created. Try again." },
  /** Forms only: the ceremony outlived its challenge; the page starts it again. */
  passkey_timed_out: { status: 400, message: "That took too long. Please try again." },
  passkey_setup_expired: { status: 400, message: "That passkey setup expired. Try again." },
  passkey_not_recognised: {
    status: 401,
    message:
      "That passkey was not recognised. If you removed it from your account, delete it from your device too, or sign in with your password.",
  },
  credential_not_found: { status: 404, message: "Credential not found" },
  credential_id_required: { status: 400, message: "credential_id parameter required" },
  staff_last_factor: {
    status: 403,
    message:
      "Staff accounts must keep a second factor while ADMIN_2FA_REQUIRED is on: add another passkey or an authenticator app first",
  },

  api_keys_disabled: { status: 403, message: "API keys are disabled" },
  api_key_not_found: { status: 404, message: "API key not found" },
  api_key_indefinite_disabled: { status: 400, message: "Indefinite API key lifespans are disabled" },
  api_key_lifespan_exceeded: { status: 400, message: "Expiry exceeds the configured maximum lifespan" },
  api_key_limit_reached: { status: 400, message: "You have reached the maximum number of active API keys" },

  social_auth_disabled: { status: 403, message: "Social account support is disabled" },
  oauth_not_configured: { status: 503, message: "No OAuth providers are configured" },
  oauth_provider_not_found: { status: 404, message: "Provider not configured" },
  invalid_callback_url: { status: 400, message: "Invalid or disallowed callback_url" },
  csrf_failed: {
    status: 403,
    message: "CSRF Failed: send the request from an allowed origin with the X-Lokdown-CSRF header",
  },
  oauth_sign_in_invalid: {
    status: 401,
    message: "This provider sign-in has expired or was already used; sign in with the provider again",
  },
  oauth_email_missing: { status: 400, message: "The provider did not share an email address with this site" },
  oauth_email_not_verified: { status: 403, message: "The provider has not verified this email address" },
  oauth_account_not_linked: {
    status: 403,
    message:
      "An account with this email address already exists. Sign in with it, then link the provider from your account page",
  },
  oauth_signup_closed: { status: 403, message: "No account is linked to this sign-in and registration is closed" },
  oauth_account_inactive: { status: 403, message: "This account is disabled" },
  oauth_already_linked: { status: 400, message: "This provider account is already linked to another user" },
  oauth_account_not_found: { status: 404, message: "Linked account not found" },
  oauth_last_sign_in_method: {
    status: 400,
    message: "This is your only way to sign in: set a password or add a passkey before unlinking it",
  },
  oauth_provider_exists: { status: 400, message: "A provider with this id already exists" },
  oauth_provider_read_only: { status: 400, message: "Providers configured in the environment are read-only" },
  oauth_browser_mismatch: {
    status: 403,
    message: "This provider sign-in was started in another browser; start again from the sign-in page",
  },
  oauth_issuer_locked: {
    status: 400,
    message: "The issuer and type cannot change while accounts are linked to this provider",
  },

  cors_origin_not_allowed: { status: 403, message: "This origin may not call the API from a browser" },
  cross_origin_request: { status: 403, message: "Cross-origin request refused" },
  /** Production only: without an address every such client would share one rate-limit bucket. */
  client_address_unknown: {
    status: 400,
    message: "The client address could not be determined; requests must reach this site through its proxy",
  },

  user_not_found: { status: 404, message: "User not found" },
  admin_self_action: { status: 400, message: "Use your own security page for your own account" },
  superuser_required: {
    status: 403,
    message: "Only a superuser may change staff roles, or reset or deactivate a staff account",
  },
  last_superuser: {
    status: 409,
    message: "This is the last active superuser: make another staff member a superuser first",
  },
  staff_backup_codes_owner_only: {
    status: 403,
    message:
      "Backup codes of a staff account are never shown to anyone else: the owner makes new ones on their own security page",
  },
  second_factor_locked: { status: 401, message: "Too many wrong codes; sign in again" },
  /** The account-wide cap (LOKDOWN_2FA_LOCKOUT_ATTEMPTS) was reached; an admin unlocks it. */
  account_second_factor_locked: {
    status: 403,
    message:
      "Too many wrong codes for this account: sign-in with a code is locked. Use a passkey, or ask an administrator to unlock it",
  },
  admin_verification_expired: { status: 400, message: "This verification expired. Start again." },

  database_unavailable: { status: 503, message: "The service is temporarily unavailable; try again shortly" },
  internal_error: { status: 500, message: "Internal server error" },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export type Failure = {
  ok: false;
  code: ErrorCode;
  /** Overrides the catalogue message where the contract needs a more specific one. */
  message?: string;
  /** Seconds, for 429 answers. */
  retryAfter?: number;
  /** Extra JSON keys merged into the response body (e.g. the Pre2FA payload of /auth/token). */
  body?: Record<string, unknown>;
};
export type Success<T> = { ok: true; value: T };
export type Result<T> = Success<T> | Failure;

export const ok = <T>(value: T): Success<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, extra: Omit<Failure, "ok" | "code"> = {}): Failure => ({
  ok: false,
  code,
  ...extra,
});
