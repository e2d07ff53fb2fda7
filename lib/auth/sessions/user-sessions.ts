import "server-only";
import UAParser from "ua-parser-js";
import { randomUUID } from "node:crypto";
import { db, queryRows, type DbClient } from "@/lib/db";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { AMR, passedSecondFactor } from "../policy/amr";
import { factorTimesFromAmr } from "../policy/session-assurance";
import { recordSecurityEvent } from "../audit";
import { cancelOutstandingLinks } from "../notices/outstanding-links";
import { liveSessionWhere } from "./liveness";
import { authorize, type StepUpActor } from "../policy/step-up";

/**
 * Where a user is signed in: web sessions (cookies) and API sessions (refresh-token families) are
 * both AuthSession rows. Revoking one takes effect on its next request: the cookie lookup and
 * verifyAccessToken both read revoked_at. Places are not shown: no geolocation database ships with
 * the app and it makes no network lookups, so the IP address is all there is.
 */

export type DeviceInfo = {
  /** "Chrome 120", or the program name for non-browsers ("curl"). */
  browser: string | null;
  os: string | null;
  /** "desktop" | "mobile" | "tablet" | … as ua-parser-js reports it; desktop when it reports none. */
  type: string;
  /** One line for people: "Chrome 120 on macOS 10.15.7". */
  label: string;
};

const OS_NAMES: Record<string, string> = { "Mac OS": "macOS" };

/** The product token of a non-browser client ("curl/8.5.0" → "curl"), or null. */
function programOf(userAgent: string): string | null {
  const token = userAgent.trim().split(/\s+/)[0] ?? "";
  const name = token.split("/")[0]?.replace(/[^\w.+-]/g, "") ?? "";
  return name ? name.slice(0, 40) : null;
}

export function describeDevice(userAgent: string): DeviceInfo {
  const result = new UAParser(userAgent).getResult();
  const browserName = result.browser.name;
  const browser = browserName ? [browserName, result.browser.major].filter(Boolean).join(" ") : programOf(userAgent);
  const osName = result.os.name ? (OS_NAMES[result.os.name] ?? result.os.name) : null;
  const os = osName ? [osName, result.os.version].filter(Boolean).join(" ") : null;
  const type = result.device.type ?? "desktop";
  const label = browser && os ? `${browser} on ${os}` : (browser ?? os ?? "Unknown device");
  return { browser, os, type, label };
}

/**
 * What makes two sign-ins "the same device" for the new-device e-mail: browser family, OS family
 * and form factor, without versions (updates must not look like new devices).
 */
export function deviceKey(userAgent: string): string {
  let key = deviceKeys.get(userAgent);
  if (key === undefined) {
    key = parseDeviceKey(userAgent);
    if (deviceKeys.size >= DEVICE_KEYS_LIMIT) deviceKeys.delete(deviceKeys.keys().next().value as string);
    deviceKeys.set(userAgent, key);
  }
  return key;
}

function parseDeviceKey(userAgent: string): string {
  const result = new UAParser(userAgent).getResult();
  if (!result.browser.name && !result.os.name) return `program:${(programOf(userAgent) ?? "").toLowerCase()}`;
  return [result.browser.name ?? "", result.os.name ?? "", result.device.type ?? "desktop"].join("|").toLowerCase();
}

// Every sign-in compares its user agent with the user's earlier ones, and parsing one costs more
// than the rest of the comparison: the few agents a site sees are parsed once (at most 512
// characters each, lib/auth/request/client.ts).
const deviceKeys = new Map<string, string>();
const DEVICE_KEYS_LIMIT = 1_000;

export type SignInMethod = {
  firstFactor: "password" | "passkey" | "oauth" | "unknown";
  secondFactor: "totp" | "passkey" | "backup_code" | "trusted_browser" | null;
  passedSecondFactor: boolean;
  /** "Password + authenticator app", "Passkey", … */
  label: string;
};

const FIRST_LABELS = {
  password: "Password",
  passkey: "Passkey",
  oauth: "Social sign-in",
  unknown: "Unknown method",
} as const;
const SECOND_LABELS = {
  totp: "authenticator app",
  passkey: "passkey",
  backup_code: "backup code",
  trusted_browser: "trusted browser",
} as const;

/** Reads a session's AMR values (lib/auth/policy/amr.ts) as the first and second factor it used. */
export function describeSignInMethod(amr: readonly string[]): SignInMethod {
  const has = (value: string) => amr.includes(value);
  const firstFactor = has(AMR.oauth)
    ? "oauth"
    : has(AMR.password)
      ? "password"
      : has(AMR.passkey)
        ? "passkey"
        : "unknown";
  const secondFactor = has(AMR.totp)
    ? "totp"
    : has(AMR.backupCode)
      ? "backup_code"
      : has(AMR.passkey) && firstFactor !== "passkey"
        ? "passkey"
        : has(AMR.trustedDevice)
          ? "trusted_browser"
          : null;
  const base = FIRST_LABELS[firstFactor];
  const label = secondFactor
    ? `${base} + ${SECOND_LABELS[secondFactor]}`
    : firstFactor === "passkey" && has(AMR.userVerified)
      ? "Passkey with PIN or biometrics"
      : base;
  return { firstFactor, secondFactor, passedSecondFactor: passedSecondFactor(amr), label };
}

export type SessionView = {
  id: string;
  kind: "web" | "api";
  current: boolean;
  device: DeviceInfo;
  ipAddress: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  signIn: SignInMethod;
  amr: string[];
};

const sessionSelect = {
  id: true,
  kind: true,
  amr: true,
  ipAddress: true,
  userAgent: true,
  createdAt: true,
  lastSeenAt: true,
  expiresAt: true,
} as const;

type SessionRow = {
  id: string;
  kind: string;
  amr: string[];
  ipAddress: string | null;
  userAgent: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
};

function toView(row: SessionRow, currentId: string | null): SessionView {
  return {
    id: row.id,
    kind: row.kind === "api" ? "api" : "web",
    current: row.id === currentId,
    device: describeDevice(row.userAgent),
    ipAddress: row.ipAddress,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    signIn: describeSignInMethod(row.amr),
    amr: row.amr,
  };
}

const liveSessionsOf = (userId: number, now: Date) => ({ userId, ...liveSessionWhere(now) });

/** A user's live sessions, web and API, the current one first, then by last activity. */
export async function listUserSessions(
  userId: number,
  currentSessionId: string | null,
  now = new Date(),
): Promise<SessionView[]> {
  const rows = await db.authSession.findMany({
    where: liveSessionsOf(userId, now),
    select: sessionSelect,
    orderBy: [{ lastSeenAt: "desc" }, { createdAt: "desc" }],
    take: 500,
  });
  const views = rows.map((row) => toView(row, currentSessionId));
  return [...views.filter((v) => v.current), ...views.filter((v) => !v.current)];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Signs out one of the user's own live sessions (the current one too: that is signing out).
 * Another user's session, an unknown id and an ended session all read as session_not_found.
 */
export async function revokeUserSession(
  actor: StepUpActor,
  sessionId: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ current: boolean }>> {
  const allowed = await authorize("sessions.revoke", actor, {}, client, now);
  if (!allowed.ok) return allowed;
  if (!UUID.test(sessionId)) return fail("session_not_found");
  const { count } = await db.authSession.updateMany({
    where: { id: sessionId, ...liveSessionsOf(actor.userId, now) },
    data: { revokedAt: now, revokedReason: "revoked_by_user" },
  });
  if (count !== 1) return fail("session_not_found");
  await recordSecurityEvent({
    type: "session.revoked",
    userId: actor.userId,
    client,
    details: { session: sessionId, by: actor.userId },
  });
  return ok({ current: sessionId === actor.sessionId });
}

/**
 * Signs out every live session of the user but `keepSessionId` ("sign out everywhere"). Returns
 * how many ended. Every outstanding link (reset, e-mail change) is cancelled too: one of the ended
 * sessions may have been an intruder's that asked for it.
 */
export async function revokeOtherSessions(
  actor: StepUpActor,
  client: ClientInfo,
  now = new Date(),
  reason = "revoked_by_user",
): Promise<Result<number>> {
  const allowed = await authorize("sessions.revoke", actor, {}, client, now);
  if (!allowed.ok) return allowed;
  const { count, links } = await db.$transaction(async (tx) => ({
    count: (await revokeSessionsOf(tx, actor.userId, actor.sessionId, reason, now)).count,
    links: await cancelOutstandingLinks(tx, actor.userId, now),
  }));
  await recordSecurityEvent({
    type: "session.revoked_others",
    userId: actor.userId,
    client,
    details: {
      count,
      kept: actor.sessionId,
      reason,
      email_changes_cancelled: links.emailChanges,
      reset_links_cancelled: links.passwordResets,
    },
  });
  return ok(count);
}

/** Ends every live session of a user except `keep` (null: all of them), inside a caller's transaction if given. */
export async function revokeSessionsOf(
  client: DbClient,
  userId: number,
  keep: string | null,
  reason: string,
  now = new Date(),
): Promise<{ count: number }> {
  return client.authSession.updateMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now }, ...(keep ? { id: { not: keep } } : {}) },
    data: { revokedAt: now, revokedReason: reason },
  });
}

export type NewSession = {
  userId: number;
  kind: "web" | "api";
  amr: string[];
  client: ClientInfo;
  expiresAt: Date;
  /** Web sessions: the SHA-256 of the cookie. */
  webTokenHash?: string;
  /** API sessions: the first refresh token of the family. */
  refreshToken?: { hash: string; expiresAt: Date };
};

// One statement, so a sign-in writes its session in one round trip. The final SELECT sees the
// table as it was before the INSERT: the user agents of every earlier session, ended ones included.
const START_SESSION = `
  WITH session AS (
    INSERT INTO auth_sessions (id, user_id, kind, amr, web_token_hash, ip_address, user_agent, reauth_at,
                               password_at, provider_at, totp_at, passkey_at, backup_code_at, created_at, last_seen_at, expires_at)
    VALUES ($1::uuid, $2::int, $3, $4::text[], $5, $6, $7, $8::timestamp,
            $9::timestamp, $10::timestamp, $11::timestamp, $12::timestamp, $13::timestamp, $8::timestamp, $8::timestamp, $14::timestamp)
    RETURNING id
  ), first_refresh_token AS (
    INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at, created_at)
    SELECT $15::uuid, id, $16::text, $17::timestamp, $8::timestamp FROM session WHERE $16::text IS NOT NULL
  ), signed_in AS (
    UPDATE users SET last_login_at = $8::timestamp, updated_at = $8::timestamp WHERE id = $2::int
  )
  SELECT ARRAY(SELECT DISTINCT user_agent FROM auth_sessions WHERE user_id = $2::int LIMIT 200) AS earlier_agents`;

/**
 * Starts a session: its row, its first refresh token (API) and the user's last sign-in time, in one
 * statement, on the pool or inside a transaction. Returns the session id and the user agents of the
 * user's earlier sessions, for isNewDevice.
 */
export async function startSession(
  client: DbClient,
  input: NewSession,
  now: Date,
): Promise<{ sessionId: string; earlierAgents: string[] }> {
  const sessionId = randomUUID();
  const times = factorTimesFromAmr(input.amr, now);
  const [row] = await queryRows<{ earlier_agents: string[] }>(client, START_SESSION, [
    sessionId,
    input.userId,
    input.kind,
    input.amr,
    input.webTokenHash ?? null,
    input.client.ip,
    input.client.userAgent,
    now,
    times.passwordAt,
    times.providerAt,
    times.totpAt,
    times.passkeyAt,
    times.backupCodeAt,
    input.expiresAt,
    randomUUID(),
    input.refreshToken?.hash ?? null,
    input.refreshToken?.expiresAt ?? null,
  ]);
  return { sessionId, earlierAgents: row?.earlier_agents ?? [] };
}

/**
 * Whether a new session comes from a device this user has not signed in from before, given the
 * user agents of the earlier sessions (startSession). A user's very first session is not "new":
 * there is nothing to compare it with, and the user has just created the account.
 */
export function isNewDevice(earlierAgents: readonly string[], userAgent: string): boolean {
  if (earlierAgents.length === 0) return false;
  const key = deviceKey(userAgent);
  return !earlierAgents.some((agent) => deviceKey(agent) === key);
}
