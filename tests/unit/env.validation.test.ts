import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseSettings } from "@/lib/env";

const DB = "postgresql://postgres@127.0.0.1:5432/example";
const KEY = randomBytes(32).toString("base64");
const SECRET = randomBytes(32).toString("base64");

function errorOf(source: Record<string, string | undefined>): string {
  try {
    parseSettings(source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("parseSettings accepted an invalid configuration");
}

describe("parseSettings", () => {
  it("ships django-lokdown's defaults (fixed where the spec has none, W18)", () => {
    const s = parseSettings({ DATABASE_URL: DB });
    expect(s.loginSessionMinutes).toBe(10);
    expect(s.rateLimits).toEqual({
      login: { limit: 10, windowSeconds: 60 },
      totp: { limit: 10, windowSeconds: 60 },
      backupCode: { limit: 10, windowSeconds: 60 },
    });
    expect(s.backupCodes).toEqual({ count: 8, length: 10 });
    expect(s.totpEnabled).toBe(true);
    expect(s.signupEnabled).toBe(false);
    expect(s.admin2faRequired).toBe(true);
    expect(s.tokens.accessMinutes).toBe(15);
    expect(s.tokens.refreshDays).toBe(5);
    expect(s.stepUpMinutes).toBe(10);
    expect(s.trustedProxies).toBe(0);
    expect(s.totpIssuer).toBe(s.webauthn.rpName);
    expect(s.production).toBe(false);
    expect(s.encryptionKeys).toHaveLength(1);
    expect(s.encryptionKeys[0]).toHaveLength(32);
  });

  it("reads values in django-lokdown's forms", () => {
    const s = parseSettings({
      DATABASE_URL: DB,
      TWOFA_SESSION_TIMEOUT: "5",
      TOTP_VERIFY_RATE_LIMIT: "3/m",
      BACKUP_CODE_RATE_LIMIT: "100/h",
      LOGIN_INIT_RATE_LIMIT: "7",
      LOKDOWN_TOTP_ENABLED: "False",
      LOKDOWN_SIGNUP_ENABLED: "true",
      LOKDOWN_TOTP_ISSUER: "Example Corp",
      LOKDOWN_TRUSTED_PROXIES: "2",
    });
    expect(s.loginSessionMinutes).toBe(5);
    expect(s.rateLimits.totp).toEqual({ limit: 3, windowSeconds: 60 });
    expect(s.rateLimits.backupCode).toEqual({ limit: 100, windowSeconds: 3600 });
    expect(s.rateLimits.login).toEqual({ limit: 7, windowSeconds: 60 });
    expect(s.totpEnabled).toBe(false);
    expect(s.signupEnabled).toBe(true);
    expect(s.totpIssuer).toBe("Example Corp");
    expect(s.trustedProxies).toBe(2);
  });

  it("names every malformed variable in one error", () => {
    const message = errorOf({
      DATABASE_URL: DB,
      TWOFA_SESSION_TIMEOUT: "ten",
      TOTP_VERIFY_RATE_LIMIT: "fast",
      LOKDOWN_TOTP_ENABLED: "maybe",
      BACKUP_CODES_COUNT: "2",
      LOKDOWN_TRUSTED_PROXIES: "-1",
    });
    expect(message.split("\n")[0]).toBe("Invalid configuration:");
    for (const name of [
      "TWOFA_SESSION_TIMEOUT",
      "TOTP_VERIFY_RATE_LIMIT",
      "LOKDOWN_TOTP_ENABLED",
      "BACKUP_CODES_COUNT",
      "LOKDOWN_TRUSTED_PROXIES",
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain("DATABASE_URL");
  });

  it("reads on/off settings in exactly django-lokdown's spellings, and whole numbers in range", () => {
    for (const on of ["true", "True", "1", "yes", "on"])
      expect(parseSettings({ DATABASE_URL: DB, LOKDOWN_SIGNUP_ENABLED: on }).signupEnabled, on).toBe(true);
    for (const off of ["false", "False", "0", "no", "off"])
      expect(parseSettings({ DATABASE_URL: DB, ADMIN_2FA_REQUIRED: off }).admin2faRequired, off).toBe(false);
    for (const bad of ["TRUE", "y", "enabled", " true", ""]) {
      expect(errorOf({ DATABASE_URL: DB, LOKDOWN_SIGNUP_ENABLED: bad }), bad).toMatch(
        /LOKDOWN_SIGNUP_ENABLED must be one of true, false/,
      );
    }
    expect(parseSettings({ DATABASE_URL: DB, TWOFA_SESSION_TIMEOUT: " " }).loginSessionMinutes).toBe(10);
    expect(parseSettings({ DATABASE_URL: DB, LOKDOWN_WEB_SESSION_DAYS: "None" }).webSessionDays).toBe(30);
    for (const bad of ["0", "1441", "2.5", "ten"])
      expect(errorOf({ DATABASE_URL: DB, TWOFA_SESSION_TIMEOUT: bad }), bad).toMatch(
        /^ {2}TWOFA_SESSION_TIMEOUT must be a whole number from 1 to 1440$/m,
      );
  });

  it("requires DATABASE_URL at run time and checks its scheme", () => {
    expect(errorOf({})).toMatch(/DATABASE_URL is required/);
    expect(errorOf({ DATABASE_URL: "mysql://x/y" })).toMatch(/DATABASE_URL must be a postgresql:\/\/ URL/);
  });

  it("requires AUTH_SECRET and LOKDOWN_ENCRYPTION_KEY in production", () => {
    const message = errorOf({ NODE_ENV: "production", DATABASE_URL: DB });
    expect(message).toMatch(/AUTH_SECRET is required in production/);
    expect(message).toMatch(/LOKDOWN_ENCRYPTION_KEY is required in production/);
    const s = parseSettings({
      NODE_ENV: "production",
      DATABASE_URL: DB,
      AUTH_SECRET: SECRET,
      LOKDOWN_ENCRYPTION_KEY: KEY,
    });
    expect(s.production).toBe(true);
    expect(s.authSecret).toBe(SECRET);
    expect(s.authSecretIsDefault).toBe(false);
    expect(s.encryptionKeyIsDefault).toBe(false);
  });

  it("takes a session idle timeout of 0 (off, the default) or at least 10 minutes", () => {
    expect(parseSettings({ DATABASE_URL: DB }).sessionIdleMinutes).toBe(0);
    expect(parseSettings({ DATABASE_URL: DB, LOKDOWN_SESSION_IDLE_MINUTES: "30" }).sessionIdleMinutes).toBe(30);
    expect(errorOf({ DATABASE_URL: DB, LOKDOWN_SESSION_IDLE_MINUTES: "5" })).toMatch(
      /LOKDOWN_SESSION_IDLE_MINUTES must be 0 \(off\) or at least 10 minutes/,
    );
    expect(errorOf({ DATABASE_URL: DB, LOKDOWN_SESSION_IDLE_MINUTES: "half an hour" })).toMatch(
      /LOKDOWN_SESSION_IDLE_MINUTES must be a whole number/,
    );
  });

  it("refuses a short AUTH_SECRET", () => {
    expect(errorOf({ DATABASE_URL: DB, AUTH_SECRET: "short" })).toMatch(/AUTH_SECRET must be at least 32 characters/);
  });

  it("needs every encryption key to be 32 bytes of base64, and keeps their order for rotation", () => {
    expect(errorOf({ DATABASE_URL: DB, LOKDOWN_ENCRYPTION_KEY: randomBytes(16).toString("base64") })).toMatch(
      /LOKDOWN_ENCRYPTION_KEY key 1 must be 32 bytes/,
    );
    expect(errorOf({ DATABASE_URL: DB, LOKDOWN_ENCRYPTION_KEY: `${KEY},not-base64-at-all` })).toMatch(
      /LOKDOWN_ENCRYPTION_KEY key 2 must be 32 bytes/,
    );
    const old = randomBytes(32).toString("base64");
    const s = parseSettings({ DATABASE_URL: DB, LOKDOWN_ENCRYPTION_KEY: `${KEY}, ${old}` });
    expect(s.encryptionKeys.map((k) => k.toString("base64"))).toEqual([KEY, old]);
  });

  it("skips run-time requirements during next build", () => {
    const s = parseSettings({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" });
    expect(s.production).toBe(true);
    expect(s.databaseUrl).toBe("");
  });

  it("still rejects malformed values during next build", () => {
    expect(errorOf({ NEXT_PHASE: "phase-production-build", TWOFA_SESSION_TIMEOUT: "soon" })).toMatch(
      /TWOFA_SESSION_TIMEOUT/,
    );
  });

  it("validates WebAuthn origins", () => {
    expect(errorOf({ DATABASE_URL: DB, WEBAUTHN_ORIGINS: "https://ok.example,https://bad.example/path" })).toMatch(
      /WEBAUTHN_ORIGINS "https:\/\/bad.example\/path"/,
    );
  });
});
