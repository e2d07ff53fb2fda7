import "server-only";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import { siteOrigin } from "../site";

/** Where the web flow lands after the provider: it turns the provider sign-in into a session. */
export const WEB_COMPLETE_PATH = "/oauth/complete";

/** The app's own origins (WEBAUTHN_ORIGINS): requests and redirects may use only these. */
export function appOrigins(): string[] {
  return settings.webauthn.origins.map((o) => o.toLowerCase());
}

/** Origins a provider may send the browser back to: the app's own plus LOKDOWN_SOCIALAUTH_ALLOWED_CALLBACK_ORIGINS. */
export function callbackOrigins(): string[] {
  return [...new Set([...appOrigins(), ...settings.socialAuth.allowedCallbackOrigins])];
}

const invalidCallback = () =>
  fail("invalid_callback_url", { body: { callback_url: ["Invalid or disallowed callback_url"] } });

/**
 * Where a provider sign-in returns to, as django-lokdown resolves it minus its open redirect: no
 * value → the web completion page; a path → absolute on the first app origin; an absolute URL →
 * only on an allowed origin, always.
 */
export function resolveCallbackUrl(raw: string | null | undefined): Result<string> {
  if (raw === null || raw === undefined || raw === "") return ok(`${siteOrigin()}${WEB_COMPLETE_PATH}`);
  // Backslashes and control characters are how "/\evil.example" style open redirects slip through.
  if (raw.length > 2048 || /[\\\u0000-\u001f\u007f]/.test(raw)) return invalidCallback();
  if (raw.startsWith("/")) {
    if (raw.startsWith("//")) return invalidCallback();
    const url = new URL(raw, siteOrigin());
    return url.origin === new URL(siteOrigin()).origin ? ok(url.href) : invalidCallback();
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalidCallback();
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) return invalidCallback();
  return callbackOrigins().includes(url.origin.toLowerCase()) ? ok(url.href) : invalidCallback();
}
