import "server-only";
import { createHmac } from "node:crypto";
import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { batchedLookup, db, type DbClient } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import { randomToken, sha256Hex } from "../secrets";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { noteSignInDevice } from "../notices/security-mail";
import { startSession } from "./user-sessions";
import { isIdle, LAST_SEEN_INTERVAL_MS } from "./liveness";

/**
 * Access tokens: short-lived HS256 JWTs with algorithm, issuer and audience pinned, carrying the
 * session id (`sid`) so revoking a session takes effect on the next request.
 * Refresh tokens: HS256 JWTs too (token_type "refresh", a random jti, exp; issuer and audience
 * pinned), as django-lokdown's simplejwt issues them, so clients can read exp. They stay
 * server-side state: only the token's SHA-256 is stored, one family per session; each is accepted
 * once, and presenting a used one again revokes the whole family.
 * Lifetimes: an API session ends LOKDOWN_SESSION_MAX_DAYS after sign-in whatever happens; each
 * refresh token lives LOKDOWN_REFRESH_TOKEN_DAYS but never past its session's end.
 */

const ALGORITHM = "HS256";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Imported once: jose would otherwise import raw key bytes into WebCrypto on every verification.
let signingKey: Promise<CryptoKey> | undefined;
function jwtKey(): Promise<CryptoKey> {
  signingKey ??= crypto.subtle.importKey(
    "raw",
    new Uint8Array(createHmac("sha256", settings.authSecret).update("lokdown:jwt").digest()),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  return signingKey;
}

export type AccessClaims = { userId: number; sessionId: string; amr: string[] };
export type RefreshClaims = { userId: number; jti: string };
export type TokenPair = { access: string; refresh: string; sessionId: string };

export async function signAccessToken(claims: AccessClaims, now = new Date()): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ token_type: "access", user_id: claims.userId, sid: claims.sessionId, amr: claims.amr })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(String(claims.userId))
    .setIssuer(settings.tokens.issuer)
    .setAudience(settings.tokens.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.tokens.accessMinutes * 60)
    .setJti(randomToken(16))
    .sign(await jwtKey());
}

/** A refresh token: its exp is the stored row's expiry, so what clients read is what the server enforces. */
export async function signRefreshToken(userId: number, expiresAt: Date, now = new Date()): Promise<string> {
  return new SignJWT({ token_type: "refresh", user_id: userId })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(String(userId))
    .setIssuer(settings.tokens.issuer)
    .setAudience(settings.tokens.audience)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .setJti(randomToken(16))
    .sign(await jwtKey());
}

/** Signature, algorithm, issuer, audience, expiry and token_type "refresh"; null for anything else (an access token included). */
export async function decodeRefreshToken(token: string, now = new Date()): Promise<RefreshClaims | null> {
  if (token.length > 2048) return null;
  try {
    const { payload } = await jwtVerify(token, await jwtKey(), {
      algorithms: [ALGORITHM],
      issuer: settings.tokens.issuer,
      audience: settings.tokens.audience,
      currentDate: now,
      requiredClaims: ["sub", "exp", "iat", "jti"],
    });
    const userId = Number(payload.sub);
    if (payload.token_type !== "refresh" || !Number.isInteger(userId) || typeof payload.jti !== "string") return null;
    return { userId, jti: payload.jti };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
    throw error;
  }
}

/**
 * Tokens jose has accepted, until they expire: a client sends the same access token on every
 * request for minutes, and checking its signature again each time was the larger part of what
 * authenticating cost. A token's signature and claims cannot change, so only the clock is checked
 * again; session, user and revocation are still read on every request (verifyAccessToken).
 */
const acceptedTokens = new Map<string, { claims: AccessClaims; issuedAt: number; expiresAt: number }>();
const ACCEPTED_TOKENS_LIMIT = 10_000;

/** Checks signature, algorithm, issuer, audience and expiry only; see verifyAccessToken for revocation. */
export async function decodeAccessToken(token: string, now = new Date()): Promise<AccessClaims | null> {
  const seconds = Math.floor(now.getTime() / 1000);
  let accepted = acceptedTokens.get(token);
  // Outside the window jose accepted it in (an injected clock may go back), jose decides again.
  if (!accepted || seconds < accepted.issuedAt || seconds >= accepted.expiresAt) {
    const verified = await verifyTokenSignature(token, now);
    if (!verified) return null;
    if (acceptedTokens.size >= ACCEPTED_TOKENS_LIMIT)
      acceptedTokens.delete(acceptedTokens.keys().next().value as string);
    acceptedTokens.set(token, verified);
    accepted = verified;
  }
  // A copy: what one caller does with its claims must not reach the next.
  return { ...accepted.claims, amr: [...accepted.claims.amr] };
}

async function verifyTokenSignature(
  token: string,
  now: Date,
): Promise<{ claims: AccessClaims; issuedAt: number; expiresAt: number } | null> {
  try {
    const { payload } = await jwtVerify(token, await jwtKey(), {
      algorithms: [ALGORITHM],
      issuer: settings.tokens.issuer,
      audience: settings.tokens.audience,
      currentDate: now,
      requiredClaims: ["sub", "exp", "iat"],
    });
    const userId = Number(payload.sub);
    if (
      payload.token_type !== "access" ||
      !Number.isInteger(userId) ||
      typeof payload.sid !== "string" ||
      !UUID.test(payload.sid)
    )
      return null;
    const amr = Array.isArray(payload.amr) ? payload.amr.filter((m): m is string => typeof m === "string") : [];
    // requiredClaims made jose check that both are numbers.
    return {
      claims: { userId, sessionId: payload.sid, amr },
      issuedAt: payload.iat as number,
      expiresAt: payload.exp as number,
    };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
    throw error;
  }
}

export type VerifiedAccess = AccessClaims & { username: string; isStaff: boolean };

const findAccessSession = batchedLookup<{
  id: string;
  user_id: number;
  revoked_at: Date | null;
  expires_at: Date;
  last_seen_at: Date;
  is_active: boolean;
  username: string;
  is_staff: boolean;
}>(
  `SELECT s.id::text AS id, s.user_id, s.revoked_at, s.expires_at, s.last_seen_at, u.is_active, u.username, u.is_staff
   FROM auth_sessions s JOIN users u ON u.id = s.user_id
   WHERE s.id = ANY($1::uuid[])`,
  "id",
);

/** A valid signature, a live session and an active user. */
export async function verifyAccessToken(token: string, now = new Date()): Promise<Result<VerifiedAccess>> {
  const claims = await decodeAccessToken(token, now);
  if (!claims) return fail("token_not_valid");
  // One read on every authenticated request: session and user in a single join.
  const row = await findAccessSession(claims.sessionId.toLowerCase());
  if (!row || row.user_id !== claims.userId || row.revoked_at || row.expires_at <= now || !row.is_active) {
    return fail("token_not_valid");
  }
  if (!(await keepSessionAlive(claims.sessionId, row.last_seen_at, now))) return fail("token_not_valid");
  return ok({ ...claims, username: row.username, isStaff: row.is_staff });
}

/**
 * For a session that is otherwise valid, on each use: ends it if it sat idle too long (false), or
 * records the activity, at most every few minutes and conditionally so that reads stay reads.
 */
export async function keepSessionAlive(sessionId: string, lastSeenAt: Date, now: Date): Promise<boolean> {
  if (isIdle(lastSeenAt, now)) {
    await revokeSession(sessionId, "idle_timeout", now);
    return false;
  }
  if (now.getTime() - lastSeenAt.getTime() > LAST_SEEN_INTERVAL_MS) {
    await db.authSession.updateMany({
      where: { id: sessionId, lastSeenAt: { lte: new Date(now.getTime() - LAST_SEEN_INTERVAL_MS) } },
      data: { lastSeenAt: now },
    });
  }
  return true;
}

/** When an API session started now must end, whatever refreshes come (LOKDOWN_SESSION_MAX_DAYS). */
function sessionEnd(now: Date): Date {
  return new Date(now.getTime() + settings.tokens.sessionMaxDays * 86_400_000);
}

/** A refresh token lives LOKDOWN_REFRESH_TOKEN_DAYS, but never past the end of its session. */
function refreshExpiry(now: Date, sessionEndsAt: Date): Date {
  return new Date(Math.min(now.getTime() + settings.tokens.refreshDays * 86_400_000, sessionEndsAt.getTime()));
}

/** Starts an API session (refresh-token family) and returns its first token pair. */
export async function issueTokenPair(
  client: DbClient,
  input: { userId: number; amr: string[]; client: ClientInfo },
  now = new Date(),
): Promise<TokenPair> {
  const endsAt = sessionEnd(now);
  const refresh = await signRefreshToken(input.userId, refreshExpiry(now, endsAt), now);
  const { sessionId, earlierAgents } = await startSession(
    client,
    {
      userId: input.userId,
      kind: "api",
      amr: input.amr,
      client: input.client,
      expiresAt: endsAt,
      refreshToken: { hash: sha256Hex(refresh), expiresAt: refreshExpiry(now, endsAt) },
    },
    now,
  );
  await noteSignInDevice(
    client,
    { userId: input.userId, sessionId, amr: input.amr, client: input.client, earlierAgents },
    now,
  );
  const access = await signAccessToken({ userId: input.userId, sessionId, amr: input.amr }, now);
  return { access, refresh, sessionId };
}

type RefreshRow = {
  id: string;
  session_id: string;
  used_at: Date | null;
  expires_at: Date;
  user_id: number;
  amr: string[];
  revoked_at: Date | null;
  session_expires_at: Date;
  last_seen_at: Date;
  is_active: boolean;
};

/**
 * Exchanges a refresh token for a new pair. The JWT is checked first (signature, claims, exp);
 * the stored row decides the rest. The row lock makes concurrent presentations of one token queue
 * up: the first rotates it, every later one sees it used and revokes the family. The new token
 * never outlives the session: rotation does not move the session's end.
 */
export async function rotateRefreshToken(
  refresh: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<TokenPair>> {
  const claims = await decodeRefreshToken(refresh, now);
  if (!claims) return fail("token_not_valid");
  return db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<RefreshRow[]>`
        SELECT rt.id, rt.session_id, rt.used_at, rt.expires_at, s.user_id, s.amr, s.revoked_at,
               s.expires_at AS session_expires_at, s.last_seen_at, u.is_active
        FROM refresh_tokens rt
        JOIN auth_sessions s ON s.id = rt.session_id
        JOIN users u ON u.id = s.user_id
        WHERE rt.token_hash = ${sha256Hex(refresh)}
        FOR UPDATE OF rt, s`;
      const row = rows[0];
      if (!row || row.user_id !== claims.userId) return fail("token_not_valid");
      if (row.used_at) {
        if (!row.revoked_at) {
          await tx.authSession.update({
            where: { id: row.session_id },
            data: { revokedAt: now, revokedReason: "refresh_token_reuse" },
          });
          await recordSecurityEvent(
            { type: "token.refresh_reuse", userId: row.user_id, client, details: { session: row.session_id } },
            tx,
          );
        }
        return fail("token_not_valid");
      }
      if (row.revoked_at || row.expires_at <= now || row.session_expires_at <= now || !row.is_active)
        return fail("token_not_valid");
      if (isIdle(row.last_seen_at, now)) {
        await tx.authSession.update({
          where: { id: row.session_id },
          data: { revokedAt: now, revokedReason: "idle_timeout" },
        });
        return fail("token_not_valid");
      }
      const nextExpiry = refreshExpiry(now, row.session_expires_at);
      const next = await signRefreshToken(row.user_id, nextExpiry, now);
      await tx.refreshToken.update({ where: { id: row.id }, data: { usedAt: now } });
      await tx.refreshToken.create({
        data: { sessionId: row.session_id, tokenHash: sha256Hex(next), expiresAt: nextExpiry, createdAt: now },
      });
      await tx.authSession.update({
        where: { id: row.session_id },
        data: { lastSeenAt: now, ipAddress: client.ip, userAgent: client.userAgent },
      });
      const access = await signAccessToken({ userId: row.user_id, sessionId: row.session_id, amr: row.amr }, now);
      return ok({ access, refresh: next, sessionId: row.session_id });
    },
    { maxWait: 10_000, timeout: 10_000 },
  );
}

/** Revokes the family a refresh token belongs to. Unknown tokens are ignored (logout is idempotent). */
export async function revokeRefreshFamily(refresh: string, now = new Date()): Promise<{ userId: number } | null> {
  const token = await db.refreshToken.findUnique({
    where: { tokenHash: sha256Hex(refresh) },
    select: { session: { select: { id: true, userId: true } } },
  });
  if (!token) return null;
  await revokeSession(token.session.id, "logout", now);
  return { userId: token.session.userId };
}

export async function revokeSession(sessionId: string, reason: string, now = new Date()): Promise<void> {
  await db.authSession.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
}
