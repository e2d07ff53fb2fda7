import "server-only";
import type { DbClient } from "@/lib/db";
import { fail, ok, type Result } from "../errors";
import { isSessionId } from "../login/pending-logins";

/** A ceremony must finish within this long after its options were issued. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** What the browser is told; a little shorter than the server-side expiry. */
export const CEREMONY_TIMEOUT_MS = 4 * 60_000;

/** Unused, unexpired challenges one user or login may hold at once; more means a script, not a person. */
export const MAX_LIVE_CHALLENGES = 10;

export type ChallengePurpose = "registration" | "authentication" | "passwordless" | "reauthentication";
export type UserVerification = "required" | "preferred" | "discouraged";

export type StoredChallenge = {
  id: string;
  purpose: ChallengePurpose;
  userId: number | null;
  loginSessionId: string | null;
  challenge: string;
  userVerification: UserVerification;
};

export async function createChallenge(
  client: DbClient,
  input: {
    purpose: ChallengePurpose;
    challenge: string;
    userVerification: UserVerification;
    userId?: number;
    loginSessionId?: string;
    authSessionId?: string;
  },
  now = new Date(),
): Promise<string> {
  const row = await client.webAuthnChallenge.create({
    data: {
      purpose: input.purpose,
      challenge: input.challenge,
      userVerification: input.userVerification,
      userId: input.userId ?? null,
      loginSessionId: input.loginSessionId ?? null,
      authSessionId: input.authSessionId ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
    },
    select: { id: true },
  });
  return row.id;
}

const select = {
  id: true,
  purpose: true,
  userId: true,
  loginSessionId: true,
  challenge: true,
  userVerification: true,
  expiresAt: true,
  consumedAt: true,
} as const;

type Row = {
  id: string;
  purpose: string;
  userId: number | null;
  loginSessionId: string | null;
  challenge: string;
  userVerification: string;
  expiresAt: Date;
  consumedAt: Date | null;
};

function toStored(row: Row): StoredChallenge {
  const uv =
    row.userVerification === "required" || row.userVerification === "discouraged" ? row.userVerification : "preferred";
  return {
    id: row.id,
    purpose: row.purpose as ChallengePurpose,
    userId: row.userId,
    loginSessionId: row.loginSessionId,
    challenge: row.challenge,
    userVerification: uv,
  };
}

/**
 * Marks a challenge used and returns it. The conditional update (consumed_at IS NULL, not expired)
 * is the single-use guarantee: of two concurrent requests for one challenge exactly one wins.
 * The challenge is spent whether or not the response then verifies.
 */
async function consume(client: DbClient, row: Row | null, now: Date): Promise<Result<StoredChallenge>> {
  if (!row || row.expiresAt <= now) return fail("invalid_session");
  if (row.consumedAt) return fail("session_used");
  const { count } = await client.webAuthnChallenge.updateMany({
    where: { id: row.id, consumedAt: null, expiresAt: { gt: now } },
    data: { consumedAt: now },
  });
  return count === 1 ? ok(toStored(row)) : fail("session_used");
}

/** Consumes a challenge by its id (the `session_id` of registration and passwordless ceremonies). */
export async function consumeChallengeById(
  client: DbClient,
  id: string,
  expected: { purpose: ChallengePurpose; userId?: number | null; loginSession?: "none" | "any" },
  now = new Date(),
): Promise<Result<StoredChallenge>> {
  if (!isSessionId(id)) return fail("invalid_session");
  const row = await client.webAuthnChallenge.findUnique({ where: { id }, select });
  if (!row || row.purpose !== expected.purpose) return fail("invalid_session");
  if (expected.userId !== undefined && row.userId !== expected.userId) return fail("invalid_session");
  if (expected.loginSession === "none" && row.loginSessionId !== null) return fail("invalid_session");
  if (expected.loginSession === "any" && row.loginSessionId === null) return fail("invalid_session");
  return consume(client, row, now);
}

/**
 * Consumes the login-step challenge a response answers: the one issued for this login session
 * with exactly the value the authenticator signed.
 */
export async function consumeLoginChallenge(
  client: DbClient,
  loginSessionId: string,
  value: string,
  now = new Date(),
): Promise<Result<StoredChallenge>> {
  const row = await client.webAuthnChallenge.findFirst({
    where: { loginSessionId, purpose: "authentication", challenge: value },
    select,
  });
  return consume(client, row, now);
}

/** Consumes the step-up challenge a response answers: issued for this signed-in session, with this value. */
export async function consumeReauthChallenge(
  client: DbClient,
  authSessionId: string,
  value: string,
  now = new Date(),
): Promise<Result<StoredChallenge>> {
  const row = await client.webAuthnChallenge.findFirst({
    where: { authSessionId, purpose: "reauthentication", challenge: value },
    select,
  });
  return consume(client, row, now);
}

/** Refuses a new challenge while the user or login already holds MAX_LIVE_CHALLENGES live ones. */
export async function checkLiveChallenges(
  client: DbClient,
  owner: { userId: number } | { loginSessionId: string },
  now = new Date(),
): Promise<Result<void>> {
  const live = await client.webAuthnChallenge.count({ where: { ...owner, consumedAt: null, expiresAt: { gt: now } } });
  return live >= MAX_LIVE_CHALLENGES
    ? fail("rate_limited", { retryAfter: Math.ceil(CHALLENGE_TTL_MS / 1000) })
    : ok(undefined);
}
