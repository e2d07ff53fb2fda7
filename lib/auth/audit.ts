import "server-only";
import { rateLimitAddressKey } from "./request/address-key";
import { db, queryRows, type DbClient } from "@/lib/db";
import type { ClientInfo } from "./request/client";
import { firstInWindow } from "./rate-limit";

/** Longest user agent and detail string stored: both are whatever an anonymous caller sends (issue 18.2). */
export const MAX_STORED_USER_AGENT = 256;
export const MAX_STORED_DETAIL = 150;

type Details = Record<string, string | number | boolean | null>;

function truncateDetails(details: Details): Details {
  return Object.fromEntries(
    Object.entries(details).map(([k, v]) => [k, typeof v === "string" ? v.slice(0, MAX_STORED_DETAIL) : v]),
  );
}

/** Every security-relevant thing that happens, by name. Never put a secret or a code in `details`. */
export type SecurityEventType =
  | "login.succeeded"
  | "login.failed"
  | "login.rate_limited"
  | "login.2fa_required"
  | "login.2fa_failed"
  | "login.session_locked"
  | "login.2fa_account_locked"
  | "signup"
  | "logout"
  | "token.refresh_reuse"
  | "totp.enabled"
  | "totp.failed"
  | "backup_code.failed"
  | "backup_code.used"
  | "backup_codes.regenerated"
  | "passkey.added"
  | "passkey.removed"
  | "passkey.renamed"
  | "passkey.failed"
  | "2fa.disabled"
  | "api_key.created"
  | "api_key.revoked"
  | "reauth.failed"
  | "reauth.succeeded"
  | "session.new_device"
  | "session.revoked"
  | "session.revoked_others"
  | "trusted_device.created"
  | "trusted_device.revoked"
  | "password.changed"
  | "password.reset_requested"
  | "password.reset"
  | "email.change_requested"
  | "email.changed"
  | "email.verification_sent"
  | "email.verified"
  | "account.secured_by_link"
  | "admin.created"
  | "session.second_factor_verified"
  | "admin.2fa_reset"
  | "admin.backup_codes_regenerated"
  | "admin.user_deactivated"
  | "admin.user_activated"
  | "admin.staff_granted"
  | "admin.staff_revoked"
  | "admin.2fa_unlocked"
  | "admin.superuser_granted"
  | "admin.superuser_revoked"
  | "admin.sessions_revoked"
  | "admin.login_sessions_expired"
  | "admin.login_sessions_deleted"
  | "oauth.linked"
  | "oauth.unlinked"
  | "oauth.refused"
  | "oauth_provider.created"
  | "oauth_provider.updated"
  | "oauth_provider.deleted";

export async function recordSecurityEvent(
  event: { type: SecurityEventType; userId?: number | null; client?: ClientInfo; details?: Details },
  client: DbClient = db,
): Promise<string> {
  // Raw: every sign-in records one, and Prisma's create costs several times the round trip.
  const [row] = await queryRows<{ id: string }>(
    client,
    // created_at from this clock, as Prisma's default did: the column's own default is the database session's local time.
    "INSERT INTO security_events (type, user_id, ip_address, user_agent, details, created_at) VALUES ($1, $2::int, $3, $4, $5::jsonb, $6::timestamp) RETURNING id::text",
    [
      event.type,
      event.userId ?? null,
      event.client?.ip ?? null,
      (event.client?.userAgent ?? "").slice(0, MAX_STORED_USER_AGENT),
      JSON.stringify(truncateDetails(event.details ?? {})),
      new Date(),
    ],
  );
  if (!row) throw new Error("security event insert returned no row");
  // The id names this occurrence, e.g. in the dedupe key of the e-mail it triggers.
  return row.id;
}

/**
 * Records a refusal (a 429) at most once per window and address: an attacker hammering a limited
 * endpoint would otherwise write one row per request. The first refusal of each window is kept,
 * which is all an operator needs to see that the limit was hit, from where, and when.
 */
export async function recordRefusalOncePerWindow(
  event: { type: SecurityEventType; client: ClientInfo; details: Details & { method: string } },
  windowSeconds: number,
  now = new Date(),
): Promise<void> {
  const key = `${event.type}:${event.details.method}:${rateLimitAddressKey(event.client.ip)}`;
  if (await firstInWindow(key, windowSeconds, now)) await recordSecurityEvent(event);
}
