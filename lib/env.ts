import { z } from "zod";

/**
 * Every setting the app reads, validated once. This module is the only reader of process.env.
 * Names follow django-lokdown where it has one; defaults are the ones a first-rate template ships.
 */

/** An on/off setting, in exactly these spellings (django-lokdown's, Python's True/False among them). */
const onOff = () =>
  z.stringbool({
    truthy: ["true", "1", "yes", "on", "True"],
    falsy: ["false", "0", "no", "off", "False"],
    case: "sensitive",
    error: "must be one of true, false, 1, 0, yes, no, on, off, True, False",
  });

const bool = (fallback: boolean) => onOff().default(fallback);

/** An on/off switch with no default: undefined when unset. */
const optionalBool = onOff().optional();

/** A whole number in [min, max], written as JavaScript's Number() reads it. */
const wholeNumber = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.coerce
    .number<string>({ error })
    .int({ error, abort: true })
    .min(min, { error, abort: true })
    .max(max, { error });
};

/** Blank counts as unset; so does "None" (django-lokdown's spelling) where the setting may be unset. */
const unsetIfBlank =
  (alsoUnset: string[] = []) =>
  (v: unknown) =>
    typeof v === "string" && (v.trim() === "" || alsoUnset.includes(v)) ? undefined : v;

const int = (fallback: number, min: number, max: number) =>
  z.preprocess(unsetIfBlank(), wholeNumber(min, max).default(fallback));

const optionalInt = (min: number, max: number) =>
  z.preprocess(unsetIfBlank(["None"]), wholeNumber(min, max).nullable().default(null));

/** A django-ratelimit style rate ("10/m", "100/h") or a bare number of attempts per minute. */
const rate = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const v = (raw ?? fallback).trim();
      const match = /^(\d+)(?:\/(\d*)([smhd]))?$/.exec(v);
      const unitSeconds = { s: 1, m: 60, h: 3600, d: 86400 } as const;
      if (!match || Number(match[1]) < 1) {
        ctx.addIssue({ code: "custom", message: 'must look like "10/m", "100/h" or "10"' });
        return z.NEVER;
      }
      const unit = (match[3] ?? "m") as keyof typeof unitSeconds;
      const multiplier = match[2] ? Number(match[2]) : 1;
      return { limit: Number(match[1]), windowSeconds: unitSeconds[unit] * Math.max(1, multiplier) };
    });

/** An address nodemailer accepts in From: "name@example.com" or "Site <name@example.com>". */
const MAIL_ADDRESS = /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

/** A domain an e-mail address may be at: labels of letters, digits and inner hyphens, at least two. */
export const EMAIL_DOMAIN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

const origin = z.string().refine((v) => {
  try {
    const url = new URL(v);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === v;
  } catch {
    return false;
  }
}, "must be an origin such as https://example.com (scheme, host, optional port, nothing else)");

/**
 * Problem with an OpenID Connect issuer URL, or null: https, or plain http only on a loopback host
 * (a provider in tests or on the developer's machine). No query or fragment.
 */
export function issuerUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be a URL such as https://login.example.com";
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
    return "must use https (http only for localhost)";
  if (url.search || url.hash || url.username || url.password) return "must not carry a query, fragment or credentials";
  return null;
}

/** The header scripts/server.mjs and scripts/start-standalone.mjs set to the TCP peer address. */
export const PEER_HEADER = "x-lokdown-peer";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    NEXT_PHASE: z.string().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
      .optional(),
    /** A direct (unpooled) PostgreSQL URL for migrations when DATABASE_URL goes through a pooler (PgBouncer, Vercel/Neon/Supabase pooled URLs). */
    DIRECT_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
      .optional(),
    AUTH_SECRET: z.string().optional(),
    LOKDOWN_ENCRYPTION_KEY: z.string().optional(),

    WEBAUTHN_RP_ID: z
      .string()
      .default("localhost")
      .refine((v) => /^[a-z0-9.-]+$/i.test(v), "must be a bare host name such as example.com"),
    WEBAUTHN_RP_NAME: z.string().min(1).default("next-lokdown"),
    WEBAUTHN_ORIGINS: list,
    WEBAUTHN_ORIGIN: list,
    LOKDOWN_TOTP_ISSUER: z.string().optional(),

    TWOFA_SESSION_TIMEOUT: int(10, 1, 1440),
    BACKUP_CODE_RATE_LIMIT: rate("10/m"),
    TOTP_VERIFY_RATE_LIMIT: rate("10/m"),
    LOGIN_INIT_RATE_LIMIT: rate("10/m"),
    BACKUP_CODES_COUNT: int(8, 4, 32),
    BACKUP_CODE_LENGTH: int(10, 8, 32),
    ADMIN_2FA_REQUIRED: bool(true),
    LOKDOWN_TOTP_ENABLED: bool(true),
    LOKDOWN_PASSKEY_ENABLED: bool(true),
    /** Consecutive wrong second-factor codes on one account, from any address, that lock code sign-in until an admin unlocks it. Default 10; NIST SP 800-63B-4 allows at most 100. */
    LOKDOWN_2FA_LOCKOUT_ATTEMPTS: int(10, 1, 100),
    LOKDOWN_SIGNUP_ENABLED: bool(false),

    LOKDOWN_API_KEYS_ENABLED: bool(false),
    LOKDOWN_API_KEY_MAX_LIFESPAN_DAYS: optionalInt(1, 36500),
    LOKDOWN_API_KEY_ALLOW_INDEFINITE: bool(true),
    LOKDOWN_API_KEY_PREFIX: z
      .string()
      .default("lk_")
      .refine((v) => /^[A-Za-z0-9_-]{1,16}$/.test(v), "must be 1-16 letters, digits, _ or -"),
    LOKDOWN_API_KEY_AUTH_SCHEME: z
      .string()
      .default("Api-Key")
      .refine(
        (v) => /^[A-Za-z][A-Za-z0-9_-]{0,31}$/.test(v) && v.toLowerCase() !== "bearer",
        "must be a single word other than Bearer",
      ),
    LOKDOWN_API_KEY_MAX_PER_USER: int(25, 1, 1000),

    LOKDOWN_ACCESS_TOKEN_MINUTES: int(15, 1, 1440),
    LOKDOWN_REFRESH_TOKEN_DAYS: int(5, 1, 365),
    LOKDOWN_JWT_ISSUER: z.string().min(1).default("next-lokdown"),
    LOKDOWN_JWT_AUDIENCE: z.string().min(1).default("next-lokdown-api"),
    /** Absolute lifetime of a session in days, from sign-in: no refresh or activity extends it. Default 30. */
    LOKDOWN_SESSION_MAX_DAYS: int(30, 1, 365),
    /** Absolute lifetime of a browser session in days; unset: LOKDOWN_SESSION_MAX_DAYS. */
    LOKDOWN_WEB_SESSION_DAYS: optionalInt(1, 365),
    /** Minutes a session (browser or API) may go unused before it ends; 0 (default) never. Activity is recorded every 5 minutes, hence at least 10. */
    LOKDOWN_SESSION_IDLE_MINUTES: int(0, 0, 525_600).refine(
      (n) => n === 0 || n >= 10,
      "must be 0 (off) or at least 10 minutes",
    ),
    LOKDOWN_STEP_UP_MINUTES: int(10, 1, 1440),
    LOKDOWN_TRUSTED_PROXIES: int(0, 0, 10),
    /**
     * Where the client address comes from. Unset: the TCP peer, which only the bundled servers
     * (npm start, scripts/start-standalone.mjs) record. Otherwise the header a trusted edge
     * overwrites on every request: x-real-ip, cf-connecting-ip, fly-client-ip, x-vercel-forwarded-for,
     * or x-forwarded-for (then LOKDOWN_TRUSTED_PROXIES counts the proxies that append to it).
     */
    LOKDOWN_CLIENT_IP_HEADER: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === "" ? null : v.trim().toLowerCase()))
      .refine(
        (v) => v === null || /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(v),
        "must be an HTTP header name such as x-real-ip",
      )
      .refine(
        (v) => v !== PEER_HEADER,
        `must not be ${PEER_HEADER}: leave it unset to use the peer address the bundled server records`,
      ),
    /**
     * Set by scripts/server.mjs and scripts/start-standalone.mjs to their own process id: proof that
     * a server overwriting x-lokdown-peer on every request sits in front of this process. Never set
     * by hand; a copied value names another process and is ignored.
     */
    LOKDOWN_PEER_SERVER_PID: z.string().optional(),
    /** Comma-separated origins (https://app.example.com) whose pages may call the JSON API from the browser. Default: none. */
    LOKDOWN_CORS_ORIGINS: list,
    /** Days `security-audit --cleanup` keeps security events, the security mail log, and revoked/expired API keys, sessions and trusted browsers. Default 90. */
    LOKDOWN_AUDIT_RETENTION_DAYS: int(90, 1, 36500),
    /** Minutes between the server's own cleanup runs (what `security-audit --cleanup --force` does); 0 turns them off. Default 10. */
    LOKDOWN_CLEANUP_INTERVAL_MINUTES: int(10, 0, 10_080),
    /** Bearer secret of POST /api/cron/cleanup (for platforms without a long-lived process); unset: the route answers 404. At least 32 characters. */
    LOKDOWN_CRON_SECRET: z
      .string()
      .optional()
      .refine((v) => !v || v.length >= 32, "must be at least 32 characters (e.g. openssl rand -base64 32)"),
    /** Days a "don't ask again on this browser" choice at the 2FA step lasts; 0 turns trusted browsers off. Default 30. */
    LOKDOWN_TRUSTED_DEVICE_DAYS: int(30, 0, 365),
    /** Minutes a forgot-password link stays valid. Default 60. */
    LOKDOWN_PASSWORD_RESET_MINUTES: int(60, 5, 1440),
    /** Hours a link confirming a new e-mail address stays valid. Default 24. */
    LOKDOWN_EMAIL_CHANGE_HOURS: int(24, 1, 168),
    /** "optional" (default): an account with an unconfirmed e-mail address can sign in; "required": it cannot until the address is confirmed. Either way only a confirmed address is ever linked to a social sign-in. */
    LOKDOWN_EMAIL_VERIFICATION: z.enum(["optional", "required"]).default("optional"),
    /** Hours a link confirming the e-mail address of a new account stays valid. Default 48. */
    LOKDOWN_EMAIL_VERIFICATION_HOURS: int(48, 1, 336),
    /** The SMTP server as one URL (smtp://user:pass@host:587 or smtps://…:465); wins over SMTP_HOST and the rest. */
    SMTP_URL: z.string().optional(),
    /** SMTP server host; unset (and no SMTP_URL) means no mail is sent: outside production it lands in /dev/mail. */
    SMTP_HOST: z.string().optional(),
    SMTP_PORT: int(587, 1, 65535),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    /** TLS from the first byte (port 465). Default: true on port 465, else STARTTLS when offered. */
    SMTP_SECURE: optionalBool,
    /** Sender of security e-mails. Default "<WEBAUTHN_RP_NAME> <no-reply@<WEBAUTHN_RP_ID>>". */
    MAIL_FROM: z.string().optional(),

    /** django-lokdown's switch for social login (endpoints, buttons, next-auth routes). Default false. */
    LOKDOWN_SOCIALAUTH_ENABLED: bool(false),
    /** Extra origins (besides WEBAUTHN_ORIGINS) an SPA may ask the provider to return to. */
    LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS: list,
    AUTH_GITHUB_ID: z.string().optional(),
    AUTH_GITHUB_SECRET: z.string().optional(),
    AUTH_GOOGLE_ID: z.string().optional(),
    AUTH_GOOGLE_SECRET: z.string().optional(),
    AUTH_OIDC_ID: z.string().optional(),
    AUTH_OIDC_SECRET: z.string().optional(),
    AUTH_OIDC_ISSUER: z.string().optional(),
    AUTH_OIDC_NAME: z.string().optional(),
    /** Link the AUTH_OIDC provider's verified e-mail addresses to existing accounts (OIDC Core §5.7: only for an issuer authoritative for the domain). Default false. */
    AUTH_OIDC_TRUST_EMAIL: bool(false),
    /** With AUTH_OIDC_TRUST_EMAIL: only addresses at these comma-separated domains. Default: any. */
    AUTH_OIDC_TRUSTED_EMAIL_DOMAINS: list,

    ADMIN_USERNAME: z.string().optional(),
    ADMIN_PASSWORD: z.string().optional(),
    ADMIN_EMAIL: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    // `next build` loads modules to analyse them; runtime-only requirements wait for the server.
    if (v.NEXT_PHASE === "phase-production-build") return;
    if (!v.DATABASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message: "is required (npm run dev, npm start and npm test set it for the embedded database)",
      });
    }
    const production = v.NODE_ENV === "production";
    for (const name of ["AUTH_SECRET", "LOKDOWN_ENCRYPTION_KEY"] as const) {
      if (production && !v[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required in production" });
    }
    if (v.AUTH_SECRET !== undefined && v.AUTH_SECRET.length < 32) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_SECRET"],
        message: "must be at least 32 characters (openssl rand -base64 32)",
      });
    }
    for (const [i, key] of (v.LOKDOWN_ENCRYPTION_KEY ?? "").split(",").filter(Boolean).entries()) {
      if (Buffer.from(key.trim(), "base64").length !== 32) {
        ctx.addIssue({
          code: "custom",
          path: ["LOKDOWN_ENCRYPTION_KEY"],
          message: `key ${i + 1} must be 32 bytes in base64 (openssl rand -base64 32)`,
        });
      }
    }
    if (v.SMTP_URL !== undefined) {
      let protocol = "";
      try {
        protocol = new URL(v.SMTP_URL).protocol;
      } catch {
        // reported below
      }
      if (protocol !== "smtp:" && protocol !== "smtps:")
        ctx.addIssue({ code: "custom", path: ["SMTP_URL"], message: "must be an smtp:// or smtps:// URL" });
    }
    if (v.SMTP_HOST !== undefined && !/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/i.test(v.SMTP_HOST)) {
      ctx.addIssue({ code: "custom", path: ["SMTP_HOST"], message: "must be a host name or IP address" });
    }
    if (Boolean(v.SMTP_USER) !== Boolean(v.SMTP_PASSWORD)) {
      ctx.addIssue({
        code: "custom",
        path: [v.SMTP_USER ? "SMTP_PASSWORD" : "SMTP_USER"],
        message: "SMTP_USER and SMTP_PASSWORD go together",
      });
    }
    if (v.MAIL_FROM !== undefined && !MAIL_ADDRESS.test(v.MAIL_FROM.trim())) {
      ctx.addIssue({
        code: "custom",
        path: ["MAIL_FROM"],
        message: 'must be an address such as "Example <no-reply@example.com>"',
      });
    }
    for (const o of [...v.WEBAUTHN_ORIGINS, ...v.WEBAUTHN_ORIGIN]) {
      const parsed = origin.safeParse(o);
      if (!parsed.success)
        ctx.addIssue({
          code: "custom",
          path: ["WEBAUTHN_ORIGINS"],
          message: `"${o}" ${parsed.error.issues[0]?.message}`,
        });
    }
    for (const o of v.LOKDOWN_CORS_ORIGINS) {
      const parsed = origin.safeParse(o);
      if (!parsed.success)
        ctx.addIssue({
          code: "custom",
          path: ["LOKDOWN_CORS_ORIGINS"],
          message: `"${o}" ${parsed.error.issues[0]?.message}`,
        });
    }
    for (const o of v.LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS) {
      const parsed = origin.safeParse(o);
      if (!parsed.success)
        ctx.addIssue({
          code: "custom",
          path: ["LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS"],
          message: `"${o}" ${parsed.error.issues[0]?.message}`,
        });
    }
    for (const name of ["GITHUB", "GOOGLE", "OIDC"] as const) {
      const id = v[`AUTH_${name}_ID`];
      const secret = v[`AUTH_${name}_SECRET`];
      if (Boolean(id) !== Boolean(secret)) {
        ctx.addIssue({
          code: "custom",
          path: [id ? `AUTH_${name}_SECRET` : `AUTH_${name}_ID`],
          message: `is required when AUTH_${name}_${id ? "ID" : "SECRET"} is set`,
        });
      }
    }
    if (v.AUTH_OIDC_ID && !v.AUTH_OIDC_ISSUER)
      ctx.addIssue({ code: "custom", path: ["AUTH_OIDC_ISSUER"], message: "is required when AUTH_OIDC_ID is set" });
    for (const domain of v.AUTH_OIDC_TRUSTED_EMAIL_DOMAINS) {
      if (!EMAIL_DOMAIN.test(domain))
        ctx.addIssue({
          code: "custom",
          path: ["AUTH_OIDC_TRUSTED_EMAIL_DOMAINS"],
          message: `"${domain}" is not a domain name such as example.com`,
        });
    }
    if (v.AUTH_OIDC_ISSUER) {
      const problem = issuerUrlProblem(v.AUTH_OIDC_ISSUER);
      if (problem) ctx.addIssue({ code: "custom", path: ["AUTH_OIDC_ISSUER"], message: problem });
    }
  });

/** An OAuth/OIDC provider configured through AUTH_* environment variables. */
export type EnvOAuthProvider = {
  id: string;
  type: "github" | "google" | "oidc";
  displayName: string;
  clientId: string;
  clientSecret: string;
  issuer: string | null;
  /** Generic OIDC: whether its verified e-mail may link to an existing account (GitHub and Google always may). Absent: no. */
  trustEmail?: boolean;
  /** With trustEmail: the only domains trusted (lower-case); empty or absent: any domain. */
  trustedEmailDomains?: string[];
};

function envOAuthProviders(v: z.output<typeof schema>): EnvOAuthProvider[] {
  const providers: EnvOAuthProvider[] = [];
  if (v.AUTH_GITHUB_ID && v.AUTH_GITHUB_SECRET) {
    providers.push({
      id: "github",
      type: "github",
      displayName: "GitHub",
      clientId: v.AUTH_GITHUB_ID,
      clientSecret: v.AUTH_GITHUB_SECRET,
      issuer: null,
    });
  }
  if (v.AUTH_GOOGLE_ID && v.AUTH_GOOGLE_SECRET) {
    providers.push({
      id: "google",
      type: "google",
      displayName: "Google",
      clientId: v.AUTH_GOOGLE_ID,
      clientSecret: v.AUTH_GOOGLE_SECRET,
      issuer: null,
    });
  }
  if (v.AUTH_OIDC_ID && v.AUTH_OIDC_SECRET && v.AUTH_OIDC_ISSUER) {
    providers.push({
      id: "oidc",
      type: "oidc",
      displayName: v.AUTH_OIDC_NAME?.trim() || "Single sign-on",
      clientId: v.AUTH_OIDC_ID,
      clientSecret: v.AUTH_OIDC_SECRET,
      issuer: v.AUTH_OIDC_ISSUER,
      trustEmail: v.AUTH_OIDC_TRUST_EMAIL,
      trustedEmailDomains: v.AUTH_OIDC_TRUSTED_EMAIL_DOMAINS.map((d) => d.toLowerCase()),
    });
  }
  return providers;
}

/** How to reach the SMTP server: a URL, or host and port with optional credentials. */
export type SmtpConfig =
  | { url: string }
  | { host: string; port: number; secure: boolean; auth: { user: string; pass: string } | null };

function smtpConfig(v: z.output<typeof schema>): SmtpConfig | null {
  if (v.SMTP_URL) return { url: v.SMTP_URL };
  if (!v.SMTP_HOST) return null;
  const auth = v.SMTP_USER && v.SMTP_PASSWORD ? { user: v.SMTP_USER, pass: v.SMTP_PASSWORD } : null;
  return { host: v.SMTP_HOST, port: v.SMTP_PORT, secure: v.SMTP_SECURE ?? v.SMTP_PORT === 465, auth };
}

export type Settings = ReturnType<typeof parseSettings>;

/** Settings the app cannot run with; the message names every variable at fault, one per line. */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
  constructor(
    readonly variables: string[],
    lines: string[],
  ) {
    super(`Invalid configuration:\n${lines.join("\n")}`);
  }
}

/** Parses a process.env-like record. Throws one ConfigurationError naming every missing or malformed variable. */
export function parseSettings(source: Record<string, string | undefined>, pid: number = process.pid) {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(settings)"} ${i.message}`);
    const variables = [...new Set(result.error.issues.map((i) => i.path.join(".")).filter(Boolean))];
    throw new ConfigurationError(variables, lines);
  }
  const v = result.data;
  const production = v.NODE_ENV === "production";
  // Development and tests get stable throwaway secrets so a fresh clone runs; production never does.
  const authSecret = v.AUTH_SECRET ?? "development-only-auth-secret-not-for-production-use";
  const encryptionKeys = (v.LOKDOWN_ENCRYPTION_KEY ?? "ZGV2ZWxvcG1lbnQtb25seS1lbmNyeXB0aW9uLWtleSE=")
    .split(",")
    .map((k) => Buffer.from(k.trim(), "base64"));
  const origins = [...new Set([...v.WEBAUTHN_ORIGINS, ...v.WEBAUTHN_ORIGIN])];
  return {
    production,
    nodeEnv: v.NODE_ENV,
    databaseUrl: v.DATABASE_URL ?? "",
    /** For migrations and anything that needs one server session: DATABASE_URL unless set apart. */
    directDatabaseUrl: v.DIRECT_DATABASE_URL ?? v.DATABASE_URL ?? "",
    authSecret,
    authSecretIsDefault: v.AUTH_SECRET === undefined,
    /** First key encrypts; every key decrypts (rotation). */
    encryptionKeys,
    encryptionKeyIsDefault: v.LOKDOWN_ENCRYPTION_KEY === undefined,
    webauthn: {
      rpId: v.WEBAUTHN_RP_ID.toLowerCase(),
      rpName: v.WEBAUTHN_RP_NAME,
      /** Allowlist of page origins for WebAuthn ceremonies; also the app's own origins. */
      origins: origins.length > 0 ? origins : ["http://localhost:3000"],
      originsConfigured: origins.length > 0,
    },
    totpIssuer: v.LOKDOWN_TOTP_ISSUER ?? v.WEBAUTHN_RP_NAME,
    loginSessionMinutes: v.TWOFA_SESSION_TIMEOUT,
    rateLimits: {
      login: v.LOGIN_INIT_RATE_LIMIT,
      totp: v.TOTP_VERIFY_RATE_LIMIT,
      backupCode: v.BACKUP_CODE_RATE_LIMIT,
    },
    backupCodes: { count: v.BACKUP_CODES_COUNT, length: v.BACKUP_CODE_LENGTH },
    admin2faRequired: v.ADMIN_2FA_REQUIRED,
    admin2faRequiredExplicit: source.ADMIN_2FA_REQUIRED !== undefined,
    totpEnabled: v.LOKDOWN_TOTP_ENABLED,
    passkeyEnabled: v.LOKDOWN_PASSKEY_ENABLED,
    secondFactorLockoutAttempts: v.LOKDOWN_2FA_LOCKOUT_ATTEMPTS,
    signupEnabled: v.LOKDOWN_SIGNUP_ENABLED,
    apiKeys: {
      enabled: v.LOKDOWN_API_KEYS_ENABLED,
      maxLifespanDays: v.LOKDOWN_API_KEY_MAX_LIFESPAN_DAYS,
      allowIndefinite: v.LOKDOWN_API_KEY_ALLOW_INDEFINITE,
      prefix: v.LOKDOWN_API_KEY_PREFIX,
      authScheme: v.LOKDOWN_API_KEY_AUTH_SCHEME,
      maxPerUser: v.LOKDOWN_API_KEY_MAX_PER_USER,
    },
    tokens: {
      accessMinutes: v.LOKDOWN_ACCESS_TOKEN_MINUTES,
      refreshDays: v.LOKDOWN_REFRESH_TOKEN_DAYS,
      /** An API session's absolute lifetime (refresh-token family): rotation never extends it. */
      sessionMaxDays: v.LOKDOWN_SESSION_MAX_DAYS,
      issuer: v.LOKDOWN_JWT_ISSUER,
      audience: v.LOKDOWN_JWT_AUDIENCE,
    },
    /** A browser session's absolute lifetime; LOKDOWN_SESSION_MAX_DAYS unless set. */
    webSessionDays: v.LOKDOWN_WEB_SESSION_DAYS ?? v.LOKDOWN_SESSION_MAX_DAYS,
    sessionIdleMinutes: v.LOKDOWN_SESSION_IDLE_MINUTES,
    stepUpMinutes: v.LOKDOWN_STEP_UP_MINUTES,
    trustedProxies: v.LOKDOWN_TRUSTED_PROXIES,
    clientAddress: {
      /** null: the socket peer in x-lokdown-peer; else the header a trusted edge sets. */
      header: v.LOKDOWN_CLIENT_IP_HEADER,
      /** True only in the process a bundled server started: its x-lokdown-peer is the socket's, never the client's. */
      peerHeaderTrusted: v.LOKDOWN_PEER_SERVER_PID !== undefined && v.LOKDOWN_PEER_SERVER_PID === String(pid),
    },
    /** Exact origins allowed to read JSON API responses cross-origin (no credentials, never a wildcard). */
    corsOrigins: [...new Set(v.LOKDOWN_CORS_ORIGINS)],
    /** Retention for security events, mail log and dead API keys / sessions / trusted browsers, in days (cleanup). */
    auditRetentionDays: v.LOKDOWN_AUDIT_RETENTION_DAYS,
    cleanup: {
      /** Minutes between scheduled cleanup runs in each server instance (one at a time across instances); 0: off. */
      intervalMinutes: v.LOKDOWN_CLEANUP_INTERVAL_MINUTES,
      /** Secret the cron route requires; null: the route does not exist (404). */
      cronSecret: v.LOKDOWN_CRON_SECRET || null,
    },
    /** Days a trusted browser skips the 2FA step; 0: the feature is off. */
    trustedDeviceDays: v.LOKDOWN_TRUSTED_DEVICE_DAYS,
    passwordResetMinutes: v.LOKDOWN_PASSWORD_RESET_MINUTES,
    emailChangeHours: v.LOKDOWN_EMAIL_CHANGE_HOURS,
    emailVerification: {
      /** True: sign-in waits until the account's address is confirmed (LOKDOWN_EMAIL_VERIFICATION=required). */
      required: v.LOKDOWN_EMAIL_VERIFICATION === "required",
      linkHours: v.LOKDOWN_EMAIL_VERIFICATION_HOURS,
    },
    mail: {
      /** Where mail goes; null: nowhere but the mail_messages table (shown at /dev/mail outside production). */
      smtp: smtpConfig(v),
      from:
        v.MAIL_FROM?.trim() ||
        `${v.WEBAUTHN_RP_NAME.replace(/[<>"\r\n]/g, "")} <no-reply@${v.WEBAUTHN_RP_ID.toLowerCase()}>`,
    },
    firstAdmin: { username: v.ADMIN_USERNAME, password: v.ADMIN_PASSWORD, email: v.ADMIN_EMAIL },
    socialAuth: {
      enabled: v.LOKDOWN_SOCIALAUTH_ENABLED,
      /** Origins an SPA callback_url may use besides WEBAUTHN_ORIGINS. */
      allowedCallbackOrigins: v.LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS.map((o) => o.toLowerCase()),
      /** Providers from AUTH_* variables: always enabled, read-only in the admin area. */
      envProviders: envOAuthProviders(v),
    },
  };
}

/**
 * The validated settings. A plain object so that tests can override a field for one case and
 * restore it; application code treats it as read-only.
 */
export const settings: Settings = parseSettings(process.env);
