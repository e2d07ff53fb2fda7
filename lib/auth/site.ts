import "server-only";
import { settings } from "@/lib/env";

/** The app's public origin: the first of WEBAUTHN_ORIGINS. */
export function siteOrigin(): string {
  return settings.webauthn.origins[0] ?? "http://localhost:3000";
}

export function siteName(): string {
  return settings.webauthn.rpName;
}
