import "server-only";
import { randomBytes } from "node:crypto";
import { batchedLookup, db } from "@/lib/db";
import { settings, type Settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import type { AccountActor } from "../two-factor/account-security";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { authorize, type StepUpProof } from "../policy/step-up";
import { notifySecurityEvent } from "../notices/security-mail";
import { constantTimeEqual, keyedHash } from "../secrets";

/**
 * Per-user API keys: `<prefix><8 hex>.<secret>`, the secret being 32 random bytes in base64url.
 * The part before the dot is the public lookup id (unique, shown in listings); only an HMAC of the
 * secret is stored. A slow password hash would buy nothing against 256 random bits and would cost
 * a CPU-heavy check per request (django-lokdown ran a slow password hash on every request).
 */

const LOOKUP_HEX = 8;
const SECRET_BYTES = 32;
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A key's last use is recorded at most this often, so reads do not turn into writes. */
export const LAST_USED_INTERVAL_MS = 60_000;
/** Longest lifespan the API accepts at all (100 years), so expiry dates stay representable. */
export const MAX_EXPIRES_IN_DAYS = 36_500;

export type ParsedApiKey = { lookup: string; secret: string };

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
const lookupPatterns = new Map<string, RegExp>();
function lookupPattern(prefix: string): RegExp {
  let pattern = lookupPatterns.get(prefix);
  if (!pattern) {
    pattern = new RegExp(`^${escapeRegExp(prefix)}[0-9a-f]{${LOOKUP_HEX}}$`);
    lookupPatterns.set(prefix, pattern);
  }
  return pattern;
}

/** Splits a presented key into its lookup id and secret; null when it cannot be one of ours. */
export function parseApiKey(key: string, prefix = settings.apiKeys.prefix): ParsedApiKey | null {
  const dot = key.indexOf(".");
  if (dot < 0) return null;
  const lookup = key.slice(0, dot);
  const secret = key.slice(dot + 1);
  return lookupPattern(prefix).test(lookup) && SECRET_PATTERN.test(secret) ? { lookup, secret } : null;
}

/** A fresh key. The caller stores `lookup` and `hashApiKeySecret(secret)`, and shows `key` once. */
export function generateApiKey(prefix = settings.apiKeys.prefix): ParsedApiKey & { key: string } {
  const lookup = `${prefix}${randomBytes(LOOKUP_HEX / 2).toString("hex")}`;
  const secret = randomBytes(SECRET_BYTES).toString("base64url");
  return { key: `${lookup}.${secret}`, lookup, secret };
}

export const hashApiKeySecret = (secret: string): string => keyedHash("api-key", secret);

type ApiKeyPolicy = Pick<Settings["apiKeys"], "allowIndefinite" | "maxLifespanDays">;

/**
 * A new key's expiry: `expires_in_days` from now, at most LOKDOWN_API_KEY_MAX_LIFESPAN_DAYS; none
 * when omitted, only while indefinite keys are allowed. Unlike django-lokdown, a configured maximum
 * lifespan also rules out keys that never expire, or the maximum would be meaningless.
 */
export function resolveApiKeyExpiry(
  expiresInDays: number | undefined,
  now: Date,
  policy: ApiKeyPolicy = settings.apiKeys,
): Result<Date | null> {
  if (expiresInDays === undefined) {
    return policy.allowIndefinite && policy.maxLifespanDays === null ? ok(null) : fail("api_key_indefinite_disabled");
  }
  if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > MAX_EXPIRES_IN_DAYS) {
    const problem = `Ensure this value is a whole number from 1 to ${MAX_EXPIRES_IN_DAYS}.`;
    return fail("validation_error", { message: `expires_in_days: ${problem}`, body: { expires_in_days: [problem] } });
  }
  if (policy.maxLifespanDays !== null && expiresInDays > policy.maxLifespanDays)
    return fail("api_key_lifespan_exceeded");
  return ok(new Date(now.getTime() + expiresInDays * 86_400_000));
}

/** Whether the site has API keys turned on (LOKDOWN_API_KEYS_ENABLED). */
export function apiKeysEnabled(): boolean {
  return settings.apiKeys.enabled;
}

export function ensureApiKeysEnabled(): Result<void> {
  return settings.apiKeys.enabled ? ok(undefined) : fail("api_keys_disabled");
}

export type ApiKeyOptions = {
  enabled: boolean;
  allowIndefinite: boolean;
  maxLifespanDays: number | null;
  maxPerUser: number;
  authScheme: string;
};

/** What the UI needs to offer valid choices and show how keys are sent. */
export function apiKeyOptions(): ApiKeyOptions {
  const { enabled, allowIndefinite, maxLifespanDays, maxPerUser, authScheme } = settings.apiKeys;
  return {
    enabled,
    allowIndefinite: allowIndefinite && maxLifespanDays === null,
    maxLifespanDays,
    maxPerUser,
    authScheme,
  };
}

export type ApiKeySummary = {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  isActive: boolean;
};

const isActive = (key: { revokedAt: Date | null; expiresAt: Date | null }, now: Date) =>
  key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);

const summarySelect = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
} as const;

function toSummary(
  row: {
    id: number;
    name: string;
    prefix: string;
    createdAt: Date;
    lastUsedAt: Date | null;
    expiresAt: Date | null;
    revokedAt: Date | null;
  },
  now: Date,
): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    isActive: isActive(row, now),
  };
}

/** A user's keys that are not revoked (expired ones included, inactive), newest first. Never the secret. */
export async function listUserApiKeys(userId: number, now = new Date()): Promise<Result<ApiKeySummary[]>> {
  if (!settings.apiKeys.enabled) return fail("api_keys_disabled");
  const rows = await db.apiKey.findMany({
    where: { userId, revokedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: summarySelect,
  });
  return ok(rows.map((row) => toSummary(row, now)));
}

export type CreatedApiKey = ApiKeySummary & { key: string };

const activeKeysOf = (userId: number, now: Date) => ({
  userId,
  revokedAt: null,
  OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
});

/**
 * Creates a key after step-up. Input is checked before step-up so that a refused request never
 * spends a backup code; the cap is checked again under a lock on the user row, so concurrent
 * requests cannot together exceed LOKDOWN_API_KEY_MAX_PER_USER.
 */
export async function createUserApiKey(
  actor: AccountActor,
  input: { name: string; expiresInDays?: number },
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<CreatedApiKey>> {
  if (!settings.apiKeys.enabled) return fail("api_keys_disabled");
  const expiresAt = resolveApiKeyExpiry(input.expiresInDays, now);
  if (!expiresAt.ok) return expiresAt;
  const name = input.name.trim().slice(0, 255);
  const maxPerUser = settings.apiKeys.maxPerUser;
  if ((await db.apiKey.count({ where: activeKeysOf(actor.userId, now) })) >= maxPerUser)
    return fail("api_key_limit_reached");
  const stepUp = await authorize("api_key.create", actor, proof, client, now);
  if (!stepUp.ok) return stepUp;

  return db.$transaction(
    async (tx): Promise<Result<CreatedApiKey>> => {
      const locked = await tx.$queryRaw<
        { id: number }[]
      >`SELECT id FROM users WHERE id = ${actor.userId} AND is_active FOR UPDATE`;
      if (locked.length === 0) return fail("not_authenticated");
      if ((await tx.apiKey.count({ where: activeKeysOf(actor.userId, now) })) >= maxPerUser)
        return fail("api_key_limit_reached");
      // The 32-bit lookup id can collide with an existing key: skip the duplicate and draw again.
      for (let attempt = 0; attempt < 5; attempt++) {
        const fresh = generateApiKey();
        const [row] = await tx.apiKey.createManyAndReturn({
          data: [
            {
              userId: actor.userId,
              name,
              prefix: fresh.lookup,
              secretHash: hashApiKeySecret(fresh.secret),
              createdAt: now,
              expiresAt: expiresAt.value,
            },
          ],
          skipDuplicates: true,
          select: summarySelect,
        });
        if (!row) continue;
        const eventId = await recordSecurityEvent(
          {
            type: "api_key.created",
            userId: actor.userId,
            client,
            details: { key_id: row.id, prefix: row.prefix, expires_at: row.expiresAt?.toISOString() ?? null },
          },
          tx,
        );
        await notifySecurityEvent(
          {
            kind: "api_key_created",
            apiKeyId: row.id,
            name: row.name,
            prefix: row.prefix,
            userId: actor.userId,
            ref: eventId,
            client,
            now,
          },
          tx,
        );
        return ok({ ...toSummary(row, now), key: fresh.key });
      }
      throw new Error("could not allocate a unique API key prefix");
    },
    { maxWait: 10_000, timeout: 10_000 },
  );
}

/**
 * Revokes a key: its owner's (policy "api_key.revoke"), or anyone's for staff with a second factor
 * in this session ("staff.revoke_credentials"). For everyone else unknown, foreign and already
 * revoked keys all answer api_key_not_found, so ids of other users' keys cannot be probed.
 */
export async function revokeUserApiKey(
  actor: AccountActor,
  keyId: number,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  if (!settings.apiKeys.enabled) return fail("api_keys_disabled");
  const key = await db.apiKey.findFirst({
    where: { id: keyId, revokedAt: null, ...(actor.isStaff ? {} : { userId: actor.userId }) },
    select: { userId: true },
  });
  if (!key) return fail("api_key_not_found");
  const allowed = await authorize(
    key.userId === actor.userId ? "api_key.revoke" : "staff.revoke_credentials",
    actor,
    {},
    client,
    now,
  );
  if (!allowed.ok) return allowed;
  const [revoked] = await db.apiKey.updateManyAndReturn({
    where: { id: keyId, userId: key.userId, revokedAt: null },
    data: { revokedAt: now },
    select: { id: true, prefix: true, userId: true },
  });
  if (!revoked) return fail("api_key_not_found");
  await recordSecurityEvent({
    type: "api_key.revoked",
    userId: revoked.userId,
    client,
    details: { key_id: revoked.id, prefix: revoked.prefix, revoked_by: actor.userId },
  });
  return ok(undefined);
}

export type ApiKeyIdentity = { apiKeyId: number; userId: number; username: string; isStaff: boolean };

type KeyRow = {
  id: number;
  prefix: string;
  user_id: number;
  secret_hash: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  username: string;
  is_staff: boolean;
  is_active: boolean;
};

const findApiKey = batchedLookup<KeyRow>(
  `SELECT k.id, k.prefix, k.user_id, k.secret_hash, k.expires_at, k.revoked_at, k.last_used_at, u.username, u.is_staff, u.is_active
   FROM api_keys k JOIN users u ON u.id = k.user_id
   WHERE k.prefix = ANY($1::text[])`,
  "prefix",
);

/**
 * Resolves a presented key on the request hot path: one indexed read (key joined to its user,
 * batched with other requests' reads), an HMAC and a constant-time comparison. Every failure is the
 * same api_key_invalid.
 */
export async function authenticateApiKey(key: string, now = new Date()): Promise<Result<ApiKeyIdentity>> {
  const parsed = parseApiKey(key);
  if (!parsed) return fail("api_key_invalid");
  const row = await findApiKey(parsed.lookup);
  if (!row || !constantTimeEqual(hashApiKeySecret(parsed.secret), row.secret_hash)) return fail("api_key_invalid");
  // Deactivated users lose API access too (django-lokdown's keys kept working for them).
  if (!row.is_active || !isActive({ revokedAt: row.revoked_at, expiresAt: row.expires_at }, now))
    return fail("api_key_invalid");
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= LAST_USED_INTERVAL_MS) {
    // Conditional, so concurrent requests of one key write once per interval between them.
    await db.apiKey.updateMany({
      where: {
        id: row.id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - LAST_USED_INTERVAL_MS) } }],
      },
      data: { lastUsedAt: now },
    });
  }
  return ok({ apiKeyId: row.id, userId: row.user_id, username: row.username, isStaff: row.is_staff });
}
