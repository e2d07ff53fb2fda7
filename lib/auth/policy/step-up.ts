import "server-only";
import { generateAuthenticationOptions } from "@simplewebauthn/server";
import { db, type DbClient } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Failure, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { isSessionId } from "../login/pending-logins";
import { verifyPassword } from "../password/password";
import { clearSecondFactorFailures, countSecondFactorFailure, isSecondFactorLocked } from "../two-factor/lockout";
import { verifyAndConsumeTotp } from "../two-factor/totp";
import { consumeBackupCode } from "../two-factor/backup-codes";
import { checkAttempt, clearFailedAttempts, recordFailedAttempt } from "../rate-limit";
import { getFactorSummary, hasSecondFactor } from "../two-factor/factor-summary";
import { notifyIfBackupCodesLow } from "../notices/security-mail";
import { factorColumn, type FactorName, type FactorTimes } from "./session-assurance";
import {
  proofFor,
  requirePolicy,
  STEP_UP_CODES,
  stepUpWindowMs,
  type AccountFactors,
  type PolicyAction,
  type PolicyCaller,
  type StepUpKind,
} from "./assurance-policy";
import { assertingCredentialSelect, verifyAssertion, type AssertionOptions } from "../passkeys/assertions";
import {
  CEREMONY_TIMEOUT_MS,
  checkLiveChallenges,
  consumeReauthChallenge,
  createChallenge,
  type UserVerification,
} from "../passkeys/challenges";
import { challengeOf, parseAuthenticationResponse } from "../passkeys/credential-responses";

/** What a client may send to re-prove who it is before a sensitive action. */
export type StepUpProof = { password?: string; totpToken?: string; backupCode?: string; passkeyResponse?: unknown };

/** A signed-in caller with a session (API token family or browser session). */
export type StepUpActor = { userId: number; username: string; isStaff: boolean; sessionId: string };

export const hasStepUpProof = (proof: StepUpProof): boolean =>
  Boolean(
    proof.password ||
      proof.totpToken ||
      proof.backupCode ||
      (typeof proof.passkeyResponse === "object" && proof.passkeyResponse !== null),
  );

const timesSelect = { passwordAt: true, providerAt: true, totpAt: true, passkeyAt: true, backupCodeAt: true } as const;

export async function accountFactorsOf(userId: number, client: DbClient = db): Promise<AccountFactors> {
  const [user, factors] = await Promise.all([
    client.user.findUnique({ where: { id: userId }, select: { passwordHash: true } }),
    getFactorSummary(userId, client),
  ]);
  return { hasSecondFactor: hasSecondFactor(factors), hasPassword: Boolean(user?.passwordHash) };
}

/** The policy's view of a session caller: its factor times and what the account can prove with. */
export async function loadPolicyCaller(actor: StepUpActor, now: Date, client: DbClient = db): Promise<PolicyCaller> {
  const [session, account] = await Promise.all([
    // Not a session id at all (a CLI or test actor): no session, so no assurance; never a query error.
    isSessionId(actor.sessionId)
      ? client.authSession.findUnique({
          where: { id: actor.sessionId },
          select: { userId: true, revokedAt: true, expiresAt: true, ...timesSelect },
        })
      : null,
    accountFactorsOf(actor.userId, client),
  ]);
  if (!session || session.userId !== actor.userId || session.revokedAt || session.expiresAt <= now)
    return { kind: "none" };
  const times: FactorTimes = {
    passwordAt: session.passwordAt,
    providerAt: session.providerAt,
    totpAt: session.totpAt,
    passkeyAt: session.passkeyAt,
    backupCodeAt: session.backupCodeAt,
  };
  return { kind: "session", userId: actor.userId, isStaff: actor.isStaff, sessionId: actor.sessionId, times, account };
}

/** Which step-up kind a refusal asks for, if it is a step-up refusal at all. */
function askedProof(failure: Failure): StepUpKind | null {
  for (const [kind, code] of Object.entries(STEP_UP_CODES) as [StepUpKind, string][])
    if (failure.code === code) return kind;
  return null;
}

/** The part of a proof that is of `kind`; anything else sent along is ignored. */
function proofOfKind(kind: StepUpKind, proof: StepUpProof): StepUpProof | null {
  if (kind === "password") return proof.password ? { password: proof.password } : null;
  if (kind === "second_factor") {
    if (typeof proof.passkeyResponse === "object" && proof.passkeyResponse !== null)
      return { passkeyResponse: proof.passkeyResponse };
    if (proof.totpToken) return { totpToken: proof.totpToken };
    if (proof.backupCode) return { backupCode: proof.backupCode };
  }
  return null;
}

/**
 * The one gate of every sensitive action: asks the policy; when it wants a fresher proof and the
 * request carries one of the kind it names, checks that proof (which refreshes the session) and
 * asks again. Nothing is spent (no backup code) when the policy is already satisfied.
 */
export async function authorize(
  action: PolicyAction,
  actor: StepUpActor,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const first = requirePolicy(action, await loadPolicyCaller(actor, now), now);
  if (first.ok || !hasStepUpProof(proof)) return first;
  const kind = askedProof(first);
  const usable = kind && proofOfKind(kind, proof);
  if (!usable) return first;
  const proved = await proveFactor(actor, usable, client, now);
  if (!proved.ok) return proved;
  return requirePolicy(action, await loadPolicyCaller(actor, now), now);
}

/**
 * POST /api/auth/reauthenticate and the step-up dialog: the proof the policy names for this
 * account (a second factor when it has one, else the password) refreshes the session's window.
 * A password from an account with a second factor is refused as second_factor_required.
 */
export async function reauthenticate(
  actor: StepUpActor,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<{ validUntil: Date; proved: FactorName }>> {
  const kind = proofFor(await accountFactorsOf(actor.userId));
  if (!hasStepUpProof(proof)) {
    const problem = "Send password, totp_token, backup_code or passkey_response.";
    return fail("validation_error", {
      message: `non_field_errors: ${problem}`,
      body: { non_field_errors: [problem], proof: kind },
    });
  }
  const usable = proofOfKind(kind, proof);
  if (!usable) return fail(STEP_UP_CODES[kind], { body: { proof: kind } });
  const proved = await proveFactor(actor, usable, client, now);
  if (!proved.ok) return proved;
  await recordSecurityEvent({
    type: "reauth.succeeded",
    userId: actor.userId,
    client,
    details: { session: actor.sessionId, factor: proved.value },
  });
  return ok({ validUntil: new Date(now.getTime() + stepUpWindowMs()), proved: proved.value });
}

/**
 * The current password a password change demands whenever the account has one (ASVS 6.2.3),
 * whatever else step-up asks for. Rate-limited like step-up; it writes nothing but the counters.
 */
export async function verifyCurrentPassword(
  actor: StepUpActor,
  password: string | undefined,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const user = await db.user.findUnique({ where: { id: actor.userId }, select: { passwordHash: true } });
  if (!user?.passwordHash) return ok(undefined);
  if (!password) return fail("current_password_required", { body: { password: ["Enter your current password."] } });
  const who = { ip: client.ip, account: actor.username };
  const limited = await checkAttempt("reauth", who, now);
  if (!limited.ok) return limited;
  if (await verifyPassword(password, user.passwordHash)) return ok(undefined);
  await recordFailedAttempt("reauth", who, now);
  await recordSecurityEvent({ type: "reauth.failed", userId: actor.userId, client });
  return fail("invalid_reauth");
}

/** Checks one proof (rate-limited like sign-in) and records its factor's time on the session. */
async function proveFactor(
  actor: StepUpActor,
  proof: StepUpProof,
  client: ClientInfo,
  now: Date,
): Promise<Result<FactorName>> {
  const who = { ip: client.ip, account: actor.username };
  const limited = await checkAttempt("reauth", who, now);
  if (!limited.ok) return limited;
  // Codes sent as step-up proof are second-factor guesses too: the account-wide cap that guards
  // sign-in counts them, and refuses them once locked (an AAL1 session must not guess its way to AAL2).
  const code = Boolean(proof.totpToken || proof.backupCode) && !proof.password;
  if (code && (await db.$transaction((tx) => isSecondFactorLocked(tx, actor.userId))))
    return fail("account_second_factor_locked");
  const factor = await checkProof(actor, proof, now);
  if (!factor) {
    await recordFailedAttempt("reauth", who, now);
    await recordSecurityEvent({ type: "reauth.failed", userId: actor.userId, client });
    if (code) await db.$transaction((tx) => countSecondFactorFailure(tx, actor.userId, client, now));
    return fail("invalid_reauth");
  }
  await clearFailedAttempts("reauth", who);
  if (factor !== "password") await db.$transaction((tx) => clearSecondFactorFailures(tx, actor.userId));
  await db.authSession.update({ where: { id: actor.sessionId }, data: { [factorColumn(factor)]: now, reauthAt: now } });
  if (factor === "backupCode") await notifyIfBackupCodesLow(db, actor.userId, client, now);
  return ok(factor);
}

async function checkProof(actor: StepUpActor, proof: StepUpProof, now: Date): Promise<FactorName | null> {
  if (proof.password) {
    const user = await db.user.findUnique({ where: { id: actor.userId }, select: { passwordHash: true } });
    return user?.passwordHash && (await verifyPassword(proof.password, user.passwordHash)) ? "password" : null;
  }
  if (proof.totpToken) return (await verifyAndConsumeTotp(db, actor.userId, proof.totpToken, now)) ? "totp" : null;
  if (proof.backupCode) return (await consumeBackupCode(db, actor.userId, proof.backupCode, now)) ? "backupCode" : null;
  if (proof.passkeyResponse) return (await checkPasskeyProof(actor, proof.passkeyResponse, now)) ? "passkey" : null;
  return null;
}

/**
 * Passkey step-up: user verification is demanded from an account without a password (the passkey
 * is its only way in, as at passwordless sign-in) and preferred otherwise (as at the 2FA step).
 */
async function stepUpVerification(userId: number): Promise<UserVerification> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return user?.passwordHash ? "preferred" : "required";
}

/** Assertion options for step-up with one of the caller's passkeys, bound to this session. */
export async function beginPasskeyStepUp(actor: StepUpActor, now = new Date()): Promise<Result<AssertionOptions>> {
  if (!settings.passkeyEnabled) return fail("passkey_disabled");
  const passkeys = await db.passkeyCredential.findMany({
    where: { userId: actor.userId, rpId: settings.webauthn.rpId },
    select: { credentialId: true, transports: true },
  });
  if (passkeys.length === 0) return fail("passkey_not_enabled");
  const capped = await checkLiveChallenges(db, { userId: actor.userId }, now);
  if (!capped.ok) return capped;
  const userVerification = await stepUpVerification(actor.userId);
  const options = await generateAuthenticationOptions({
    rpID: settings.webauthn.rpId,
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
    userVerification,
    timeout: CEREMONY_TIMEOUT_MS,
  });
  await createChallenge(
    db,
    {
      purpose: "reauthentication",
      challenge: options.challenge,
      userVerification,
      userId: actor.userId,
      authSessionId: actor.sessionId,
    },
    now,
  );
  return ok({ challenge: options.challenge, rpId: settings.webauthn.rpId, timeout: CEREMONY_TIMEOUT_MS, options });
}

async function checkPasskeyProof(actor: StepUpActor, raw: unknown, now: Date): Promise<boolean> {
  if (!settings.passkeyEnabled) return false;
  const response = parseAuthenticationResponse(raw);
  const value = response && challengeOf(response);
  if (!response || !value) return false;
  return db.$transaction(async (tx) => {
    // Spent before anything else is checked, and only a challenge issued to this very session.
    const challenge = await consumeReauthChallenge(tx, actor.sessionId, value, now);
    if (!challenge.ok || challenge.value.userId !== actor.userId) return false;
    const credential = await tx.passkeyCredential.findUnique({
      where: { credentialId: response.id },
      select: {
        ...assertingCredentialSelect,
        userId: true,
        rpId: true,
        user: { select: { webauthnUserHandle: true } },
      },
    });
    if (!credential || credential.userId !== actor.userId || credential.rpId !== settings.webauthn.rpId) return false;
    return (await verifyAssertion(tx, challenge.value, credential, response, credential.user.webauthnUserHandle, now))
      .ok;
  });
}

/** Which proofs the step-up dialog offers this user: exactly the kind the policy asks for. */
export type StepUpMethods = {
  proof: StepUpKind;
  password: boolean;
  totp: boolean;
  passkey: boolean;
  backupCodes: boolean;
};

export async function getStepUpMethods(userId: number): Promise<StepUpMethods> {
  const [account, factors] = await Promise.all([accountFactorsOf(userId), getFactorSummary(userId)]);
  const proof = proofFor(account);
  const second = proof === "second_factor";
  return {
    proof,
    password: proof === "password",
    totp: second && factors.totp,
    passkey: second && factors.passkeys > 0 && settings.passkeyEnabled,
    backupCodes: second && factors.backupCodesRemaining > 0,
  };
}
