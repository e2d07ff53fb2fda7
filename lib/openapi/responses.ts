import { z } from "zod";

/**
 * Response bodies, for the OpenAPI description. Strict objects: the contract test
 * (tests/integration/openapi.responses-match.test.ts) parses real answers with them, so a key
 * added or dropped in a handler fails the build until this file says so too.
 */

const dateTime = z.iso.datetime({ offset: true });
const CODE = /^[a-z0-9_]+$/;
const nullableDateTime = dateTime.nullable();

export const ErrorBody = z
  .object({
    error: z.string().meta({ description: "Human-readable message (django-lokdown's `error`)." }),
    // A plain string, not the whole catalogue as an enum: each operation lists the codes it answers.
    code: z.string().regex(CODE).meta({
      description: "Machine-readable code from the error catalogue; each operation's responses list the codes it uses.",
    }),
    detail: z
      .string()
      .optional()
      .meta({ description: "Same as `error`, for SimpleJWT/DRF clients, on authentication failures." }),
  })
  .catchall(z.unknown())
  .meta({
    description:
      'Every error. Validation errors also carry DRF-style field keys: `{"username": ["This field is required."]}`.',
  });

export const Message = z.strictObject({ message: z.string() });

export const TokenPair = z
  .strictObject({ access_token: z.string(), refresh_token: z.string(), requires_2fa: z.literal(false) })
  .meta({ description: "A signed-in API session: a short-lived JWT access token and a single-use refresh token." });

export const TokenPairWithMessage = TokenPair.extend({ message: z.string() });

export const TokenPairWithBackupCodes = TokenPair.extend({
  message: z.string(),
  backup_codes: z.array(z.string()).meta({ description: "Shown once; store them now." }),
});

const pre2faFields = {
  session_id: z.string().meta({ description: "Send this with the second factor." }),
  requires_2fa: z.literal(true),
  requires_2fa_setup: z
    .boolean()
    .meta({ description: "True for staff who must enroll a factor first (ADMIN_2FA_REQUIRED)." }),
  totp_enabled: z.boolean(),
  passkey_enabled: z.boolean(),
  backup_codes_available: z.boolean(),
  totp_available: z
    .boolean()
    .optional()
    .meta({ description: "Only when requires_2fa_setup: TOTP enrollment is switched on." }),
  passkey_available: z
    .boolean()
    .optional()
    .meta({ description: "Only when requires_2fa_setup: passkey enrollment is switched on." }),
};

export const SecondFactorChallenge = z
  .strictObject(pre2faFields)
  .meta({ description: "The password was right; a second factor (or, for staff, enrollment) is needed." });

export const SimpleJwtPair = z.strictObject({ access: z.string(), refresh: z.string() });

export const SimpleJwtPairWith2fa = SimpleJwtPair.extend({ requires_2fa: z.literal(false) });

export const TokenObtainChallenge = z
  .strictObject({
    ...pre2faFields,
    message: z.enum(["2FA verification required", "2FA setup required"]),
    error: z.enum(["2FA verification required", "2FA setup required"]),
    code: z.enum(["2fa_required", "2fa_setup_required"]),
  })
  .meta({ description: "SimpleJWT's obtain-pair answers 401 when a second factor is needed, carrying the challenge." });

export const EmptyObject = z.strictObject({}).meta({ description: "The token is valid." });

export const TotpSetup = z.strictObject({
  secret: z.string().meta({ description: "Base32 secret, for manual entry." }),
  qr_code: z.string().meta({ description: "PNG, standard base64, no data: prefix." }),
  provisioning_uri: z.string().meta({ description: "otpauth://totp/… URI." }),
});

export const BackupCodes = z.strictObject({ message: z.string(), backup_codes: z.array(z.string()) });

export const TwoFactorStatus = z.strictObject({
  is_enabled: z.boolean(),
  totp_enabled: z.boolean(),
  passkey_enabled: z.boolean(),
  totp_available: z.boolean(),
  passkey_available: z.boolean(),
  backup_codes_remaining: z.int().min(0),
});

const webAuthnOptions = (kind: string) =>
  z
    .object({ challenge: z.string().meta({ description: "base64url" }) })
    .catchall(z.unknown())
    .meta({
      description: `Standard WebAuthn ${kind} options JSON (base64url binary fields), ready for the browser's parse*OptionsFromJSON.`,
    });

export const RegistrationOptions = z.strictObject({
  session_id: z.string().meta({ description: "Identifies the challenge; send it back with the browser's response." }),
  options: webAuthnOptions("PublicKeyCredentialCreationOptions"),
});

export const PasswordlessOptions = z.strictObject({
  session_id: z.string().meta({ description: "Identifies the challenge; send it back with the browser's response." }),
  options: webAuthnOptions("PublicKeyCredentialRequestOptions"),
});

export const AssertionOptions = z.strictObject({
  challenge: z.string(),
  rp_id: z.string(),
  timeout: z.int().meta({ description: "Milliseconds." }),
  options: webAuthnOptions("PublicKeyCredentialRequestOptions"),
});

export const Passkey = z.strictObject({
  id: z.int(),
  credential_id: z.string().meta({ description: "base64url" }),
  sign_count: z.int().min(0),
  rp_id: z.string(),
  user_handle: z.string().meta({ description: "The account's random WebAuthn user handle (base64url)." }),
  created_at: dateTime,
  last_used: nullableDateTime,
  name: z.string(),
  transports: z.array(z.string()),
  device_type: z.string().meta({ description: "singleDevice or multiDevice" }),
  backed_up: z.boolean(),
  aaguid: z.string(),
  authenticator: z.string().nullable().meta({ description: "Authenticator model from its AAGUID, when known." }),
});

export const PasskeyList = z.array(Passkey);

export const PasskeyRegistered = z.strictObject({ message: z.string(), credential: Passkey });

export const ApiKey = z.strictObject({
  id: z.int(),
  name: z.string(),
  prefix: z.string(),
  created_at: dateTime,
  last_used_at: nullableDateTime,
  expires_at: nullableDateTime,
  is_active: z.boolean(),
});

export const ApiKeyList = z.strictObject({ api_keys: z.array(ApiKey) });

export const CreatedApiKey = z.strictObject({
  id: z.int(),
  name: z.string(),
  prefix: z.string(),
  api_key: z.string().meta({ description: "The full key, shown only in this answer." }),
  created_at: dateTime,
  expires_at: nullableDateTime,
});

export const ProviderRedirect = z.strictObject({
  provider: z.string(),
  redirect_url: z
    .string()
    .meta({ description: "Where the browser POSTs (a form, not fetch) to start the provider sign-in." }),
  callback_url: z
    .string()
    .meta({ description: "Where the provider flow returns; then call /api/auth/oauth/callback." }),
  redirect_method: z.literal("POST"),
});

export const ProviderRedirectList = z.strictObject({ providers: z.array(ProviderRedirect) });

export const OAuthTokenPair = TokenPair.extend({ requires_2fa_setup: z.literal(false) });

export const PasswordChanged = z.strictObject({
  message: z.string(),
  revoked_sessions: z.int().min(0).meta({ description: "Other sessions signed out." }),
});

export const Reauthenticated = z.strictObject({
  message: z.string(),
  reauth_valid_until: dateTime.meta({ description: "Sensitive actions need no further proof until then." }),
  proved: z
    .enum(["password", "provider", "totp", "passkey", "backupCode"])
    .meta({ description: "The factor this proof refreshed on the session." }),
});

export const StepUpPasskeyOptions = z.strictObject({
  options: webAuthnOptions("PublicKeyCredentialRequestOptions"),
});

export const Session = z.strictObject({
  id: z.string(),
  kind: z.enum(["web", "api"]),
  current: z.boolean().meta({ description: "The session making this request." }),
  device: z.string().meta({ description: 'e.g. "Chrome 120 on macOS 10.15.7".' }),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  device_type: z.string(),
  ip_address: z.string().nullable(),
  created_at: dateTime,
  last_seen_at: dateTime,
  expires_at: dateTime,
  sign_in_method: z.enum(["password", "passkey", "oauth", "unknown"]),
  second_factor: z.enum(["totp", "passkey", "backup_code", "trusted_browser"]).nullable(),
  passed_2fa: z.boolean(),
  amr: z.array(z.string()).meta({ description: "RFC 8176 authentication methods." }),
});

export const SessionList = z.strictObject({ sessions: z.array(Session) });

export const SessionRevoked = z.strictObject({
  message: z.string(),
  current: z.boolean().meta({ description: "True when the caller signed itself out." }),
});

export const OtherSessionsRevoked = z.strictObject({ message: z.string(), revoked: z.int().min(0) });

export const RegisteredUser = z.strictObject({ id: z.int(), username: z.string(), email: z.string() });

const authenticatedWith = z.enum(["access_token", "api_key"]);

export const Profile = z.strictObject({
  id: z.int(),
  username: z.string(),
  email: z.string(),
  is_staff: z.boolean(),
  date_joined: dateTime,
  last_login: nullableDateTime,
  authenticated_with: authenticatedWith,
});

export const WhoAmI = z.strictObject({
  id: z.int(),
  username: z.string(),
  is_staff: z.boolean(),
  authenticated_with: authenticatedWith,
});

export const Health = z.strictObject({ status: z.literal("ok") });
export const Ready = z.strictObject({ status: z.literal("ready") });
export const NotReady = z.strictObject({
  status: z.literal("not_ready"),
  reason: z.enum(["database_unavailable", "migrations_pending", "migrations_not_shipped"]),
});

const count = z.int().min(0);
export const CleanupRan = z.strictObject({
  ran: z.literal(true),
  retention_days: z.int().min(1),
  cutoff: dateTime.meta({ description: "Logs and dead records older than this were removed." }),
  total: count,
  counts: z.strictObject({
    expired_login_sessions: count,
    spent_web_authn_challenges: count,
    expired_rate_limit_buckets: count,
    old_security_events: count,
    dead_api_keys: count,
    dead_auth_sessions: count,
    refresh_tokens_of_dead_sessions: count,
    spent_o_auth_sign_ins: count,
    spent_password_reset_tokens: count,
    spent_email_changes: count,
    spent_email_verifications: count,
    dead_trusted_devices: count,
    old_mail_messages: count,
  }),
});
export const CleanupSkipped = z.strictObject({
  ran: z.literal(false),
  reason: z.string().meta({ description: "Another instance holds the cleanup lock." }),
});

export const OpenApiDocument = z
  .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }).catchall(z.unknown()) })
  .catchall(z.unknown())
  .meta({ description: "This document." });
