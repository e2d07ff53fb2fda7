import type { Settings } from "@/lib/env";

/**
 * Configuration checks: django-lokdown's Django system checks translated to this stack, plus our
 * own. Pure over `Settings`, so `npm run check`, the production start-up log and the tests share
 * them. Severity: "error" = unsafe or broken as configured; "warning" = probably a mistake;
 * "info" = worth knowing.
 */

export type CheckLevel = "error" | "warning" | "info";
export type Finding = { id: string; level: CheckLevel; message: string; hint: string };

/** django-lokdown check IDs that have no counterpart here, and why. */
export const NOT_APPLICABLE: Record<string, string> = {
  W004:
    "SOCIALACCOUNT_ADAPTER must be lokdown's so OAuth sign-ins go through its 2FA step: here every OAuth sign-in goes " +
    "through lib/auth, and there is no adapter setting to get wrong.",
  W006:
    "ACCOUNT_ADAPTER must be lokdown's so allauth honours the sign-up switch: here password and social sign-up both read " +
    "LOKDOWN_SIGNUP_ENABLED in lib/auth; L107 reports it open in production.",
};

/** Every check, for `npm run check -- --list` and docs/cli.md. */
export const CHECKS: { id: string; summary: string }[] = [
  { id: "W001", summary: "ADMIN_2FA_REQUIRED is off in production" },
  { id: "W002", summary: "WEBAUTHN_ORIGINS is not configured in production" },
  { id: "W003", summary: "Social login providers are configured (AUTH_*) but LOKDOWN_SOCIALAUTH_ENABLED is off" },
  { id: "W005", summary: "ADMIN_2FA_REQUIRED is on but both TOTP and passkeys are disabled" },
  { id: "L101", summary: "AUTH_SECRET is missing (the built-in development secret is in use)" },
  { id: "L102", summary: "AUTH_SECRET is weak (short, low-entropy or a placeholder)" },
  { id: "L103", summary: "LOKDOWN_ENCRYPTION_KEY is missing (the built-in development key is in use)" },
  { id: "L104", summary: "LOKDOWN_ENCRYPTION_KEY is weak (low-entropy, repeated or the development key)" },
  { id: "L105", summary: "WEBAUTHN_RP_ID does not match the host of every WEBAUTHN_ORIGINS entry" },
  { id: "L106", summary: "Non-HTTPS origins in production (Secure cookies and passkeys fail, traffic is readable)" },
  { id: "L107", summary: "Public sign-up is open in production" },
  { id: "L108", summary: "API keys may live forever (indefinite keys allowed and no maximum lifespan)" },
  { id: "L109", summary: "Non-HTTPS social-login callback origins in production" },
  {
    id: "L110",
    summary:
      "The client-address setting cannot yield an address (LOKDOWN_CLIENT_IP_HEADER=x-forwarded-for without LOKDOWN_TRUSTED_PROXIES)",
  },
  {
    id: "L111",
    summary:
      "Client addresses come from the bundled server only: plain next start, the standalone server.js or a platform refuse to start",
  },
  { id: "L112", summary: "LOKDOWN_TRUSTED_PROXIES is ignored: LOKDOWN_CLIENT_IP_HEADER names a single-address header" },
];

const DEV_AUTH_SECRET = "development-only-auth-secret-not-for-production-use";
const DEV_ENCRYPTION_KEY = Buffer.from("ZGV2ZWxvcG1lbnQtb25seS1lbmNyeXB0aW9uLWtleSE=", "base64");
const PLACEHOLDER =
  /change.?me|changethis|replace.?me|example|your.?secret|^secret|password|development|not.?for.?production|xxxx|1234/i;

/** Distinct characters: a random 32+ character secret has many; "aaaa…" or "abcabc…" has few. */
const distinct = (values: Iterable<unknown>) => new Set(values).size;

function secretLooksWeak(secret: string): string | null {
  if (secret === DEV_AUTH_SECRET) return "it is the built-in development secret";
  if (secret.length < 32) return `it is ${secret.length} characters long (at least 32 needed)`;
  if (distinct(secret) < 12) return `it uses only ${distinct(secret)} distinct characters`;
  if (PLACEHOLDER.test(secret)) return "it looks like a placeholder";
  return null;
}

function keyLooksWeak(keys: Buffer[]): string | null {
  for (const [i, key] of keys.entries()) {
    const label = keys.length > 1 ? `key ${i + 1}` : "the key";
    if (key.equals(DEV_ENCRYPTION_KEY)) return `${label} is the built-in development key`;
    if (key.length !== 32) return `${label} is ${key.length} bytes, not 32`;
    // 32 random bytes have about 30 distinct values; fewer than 16 means a typed or patterned key.
    if (distinct(key) < 16) return `${label} has only ${distinct(key)} distinct bytes`;
  }
  if (distinct(keys.map((k) => k.toString("hex"))) < keys.length) return "the same key is listed twice";
  return null;
}

/** True when `host` may use `rpId` (the same host or a subdomain of it), per WebAuthn. */
export function rpIdMatchesHost(rpId: string, host: string): boolean {
  const h = host.toLowerCase();
  const r = rpId.toLowerCase();
  return h === r || h.endsWith(`.${r}`);
}

const isLocalHost = (host: string) =>
  host === "localhost" || host.endsWith(".localhost") || host === "127.0.0.1" || host === "[::1]";
/** https, or http on the local machine (browsers treat that as a secure context). */
const isSecureOrigin = (origin: string) => {
  const url = new URL(origin);
  return url.protocol === "https:" || isLocalHost(url.hostname);
};

/** Runs every check against the given settings. */
export function runConfigChecks(s: Settings): Finding[] {
  const findings: Finding[] = [];
  const add = (id: string, level: CheckLevel, message: string, hint: string) =>
    findings.push({ id, level, message, hint });

  if (s.production && !s.admin2faRequired) {
    add(
      "W001",
      "warning",
      "ADMIN_2FA_REQUIRED is off in production: staff accounts can sign in with a password alone.",
      "Set ADMIN_2FA_REQUIRED=true.",
    );
  }
  if (s.production && !s.webauthn.originsConfigured) {
    add(
      "W002",
      "warning",
      `WEBAUTHN_ORIGINS (or WEBAUTHN_ORIGIN) is not configured in production; ${s.webauthn.origins.join(", ")} is assumed.`,
      "Set WEBAUTHN_ORIGINS to the site's origin(s), e.g. https://example.com.",
    );
  }
  if (!s.socialAuth.enabled && s.socialAuth.envProviders.length > 0) {
    add(
      "W003",
      "warning",
      `Social login providers are configured (${s.socialAuth.envProviders.map((p) => p.id).join(", ")}) but LOKDOWN_SOCIALAUTH_ENABLED is off: they are ignored.`,
      "Set LOKDOWN_SOCIALAUTH_ENABLED=true, or remove the AUTH_* provider variables.",
    );
  }
  if (s.admin2faRequired && !s.totpEnabled && !s.passkeyEnabled) {
    add(
      "W005",
      "error",
      "ADMIN_2FA_REQUIRED is on but both LOKDOWN_TOTP_ENABLED and LOKDOWN_PASSKEY_ENABLED are off: staff without a factor cannot enroll one and are locked out.",
      "Enable LOKDOWN_TOTP_ENABLED or LOKDOWN_PASSKEY_ENABLED.",
    );
  }

  const secretLevel: CheckLevel = s.production ? "error" : "warning";
  if (s.authSecretIsDefault) {
    add(
      "L101",
      secretLevel,
      "AUTH_SECRET is not set: tokens are signed with the public development secret.",
      "Set AUTH_SECRET to `openssl rand -base64 32`.",
    );
  } else {
    const weak = secretLooksWeak(s.authSecret);
    if (weak)
      add("L102", secretLevel, `AUTH_SECRET is weak: ${weak}.`, "Set AUTH_SECRET to `openssl rand -base64 32`.");
  }
  if (s.encryptionKeyIsDefault) {
    add(
      "L103",
      secretLevel,
      "LOKDOWN_ENCRYPTION_KEY is not set: TOTP secrets are encrypted with the public development key.",
      "Set LOKDOWN_ENCRYPTION_KEY to `openssl rand -base64 32` (before anyone enrolls TOTP).",
    );
  } else {
    const weak = keyLooksWeak(s.encryptionKeys);
    if (weak)
      add(
        "L104",
        secretLevel,
        `LOKDOWN_ENCRYPTION_KEY is weak: ${weak}.`,
        "Put a new `openssl rand -base64 32` key first in LOKDOWN_ENCRYPTION_KEY; keep old keys after it to decrypt.",
      );
  }

  const hosts = s.webauthn.origins.map((o) => new URL(o).hostname);
  const mismatched = hosts.filter((h) => !rpIdMatchesHost(s.webauthn.rpId, h));
  if (mismatched.length > 0) {
    add(
      "L105",
      "error",
      `WEBAUTHN_RP_ID "${s.webauthn.rpId}" is not the host (or a parent domain) of ${mismatched.join(", ")}: passkeys cannot be created or used there.`,
      "Set WEBAUTHN_RP_ID to the site's host name (or a registrable parent domain of every origin).",
    );
  }
  if (s.production) {
    const insecure = s.webauthn.origins.filter((o) => !isSecureOrigin(o));
    if (insecure.length > 0) {
      add(
        "L106",
        "error",
        `Origins without HTTPS in production: ${insecure.join(", ")}. Session cookies are Secure and __Host- prefixed, so browsers drop them over HTTP; passkeys need HTTPS too.`,
        "Serve the site over HTTPS and list https:// origins in WEBAUTHN_ORIGINS.",
      );
    }
    const insecureCallbacks = s.socialAuth.enabled
      ? s.socialAuth.allowedCallbackOrigins.filter((o) => !isSecureOrigin(o))
      : [];
    if (insecureCallbacks.length > 0) {
      add(
        "L109",
        "error",
        `Social-login callback origins without HTTPS in production: ${insecureCallbacks.join(", ")}. Sign-in results would travel in clear text.`,
        "List only https:// origins in LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS.",
      );
    }
    if (s.signupEnabled) {
      add(
        "L107",
        "warning",
        "Public sign-up is open in production (LOKDOWN_SIGNUP_ENABLED=true): anyone can create an account.",
        "Set LOKDOWN_SIGNUP_ENABLED=false unless the site is meant to be public.",
      );
    }
  }
  const address = { ...s.clientAddress, trustedProxies: s.trustedProxies };
  if (address.header === "x-forwarded-for" && address.trustedProxies === 0) {
    add(
      "L110",
      "error",
      "LOKDOWN_CLIENT_IP_HEADER=x-forwarded-for without LOKDOWN_TRUSTED_PROXIES: no request can have a trusted client address, so production refuses to start.",
      "Set LOKDOWN_TRUSTED_PROXIES to the number of proxies in front of the app that append to X-Forwarded-For (usually 1).",
    );
  }
  if (s.production && address.header === null && !address.peerHeaderTrusted) {
    add(
      "L111",
      "info",
      "LOKDOWN_CLIENT_IP_HEADER is unset: client addresses come from the socket, which only the bundled servers record (npm start, the container's scripts/start-standalone.mjs). Under plain next start, the standalone server.js or a platform such as Vercel, production refuses to start.",
      "Behind a proxy or platform, set LOKDOWN_CLIENT_IP_HEADER to the header it sets (README, Deployment): x-real-ip (nginx), x-forwarded-for with LOKDOWN_TRUSTED_PROXIES=1 (Caddy), cf-connecting-ip (Cloudflare), fly-client-ip (Fly), x-vercel-forwarded-for (Vercel).",
    );
  }
  if (address.header !== null && address.header !== "x-forwarded-for" && address.trustedProxies > 0) {
    add(
      "L112",
      "warning",
      `LOKDOWN_TRUSTED_PROXIES=${address.trustedProxies} is ignored: the address is read from ${address.header}, which the trusted edge overwrites with one address.`,
      "Remove LOKDOWN_TRUSTED_PROXIES, or set LOKDOWN_CLIENT_IP_HEADER=x-forwarded-for if the proxies append to X-Forwarded-For.",
    );
  }
  if (s.apiKeys.enabled && s.apiKeys.allowIndefinite && s.apiKeys.maxLifespanDays === null) {
    add(
      "L108",
      "info",
      "API keys are enabled and may never expire (LOKDOWN_API_KEY_ALLOW_INDEFINITE=true, no LOKDOWN_API_KEY_MAX_LIFESPAN_DAYS).",
      "Set LOKDOWN_API_KEY_ALLOW_INDEFINITE=false or LOKDOWN_API_KEY_MAX_LIFESPAN_DAYS so leaked keys age out.",
    );
  }
  return findings;
}

/** One finding as a log line: `lokdown.W001 [warning] message (hint)`. */
export function formatFinding(f: Finding): string {
  return `lokdown.${f.id} [${f.level}] ${f.message}\n    hint: ${f.hint}`;
}

type Logger = { warn(message: string): void; error(message: string): void };

/** Start-up: logs each finding once (production only); returns how many were logged. */
export function logConfigFindings(s: Settings, logger: Logger = console): number {
  if (!s.production) return 0;
  const findings = runConfigChecks(s).filter((f) => f.level !== "info");
  for (const f of findings)
    (f.level === "error" ? logger.error : logger.warn).call(logger, `[lokdown] ${formatFinding(f)}`);
  return findings.length;
}
