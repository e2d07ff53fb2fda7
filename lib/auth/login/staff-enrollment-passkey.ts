import "server-only";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { AMR } from "../policy/amr";
import { recordSecurityEvent } from "../audit";
import { notifySecurityEvent } from "../notices/security-mail";
import { checkEnrollmentAllowed } from "./staff-enrollment";
import { consumePendingLogin, isSessionId, lockPendingLogin } from "./pending-logins";
import {
  createRegistrationOptions,
  isDuplicateCredential,
  verifyAndStoreRegistration,
  type PasskeyView,
  type RegistrationStart,
} from "../passkeys/user-passkeys";
import type { SessionIssuer } from "./sign-in";
import { consumeChallengeById } from "../passkeys/challenges";

/**
 * Staff first login with a passkey (POST /api/auth/login/setup/passkey, then .../verify/passkey).
 * Only while the user has no factor at all: a stolen password cannot add a passkey to a protected
 * account.
 * The registration challenge is tied to the login session, which is consumed on success.
 */
export async function beginLoginPasskeySetup(
  loginSessionId: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<RegistrationStart>> {
  return db.$transaction(async (tx): Promise<Result<RegistrationStart>> => {
    const pending = await lockPendingLogin(tx, loginSessionId, client, now);
    if (!pending.ok) return pending;
    const allowed = await checkEnrollmentAllowed(tx, pending.value, settings.passkeyEnabled, "passkey_disabled");
    if (!allowed.ok) return allowed;
    return createRegistrationOptions(tx, pending.value.userId, pending.value.id, now);
  });
}

/** `challengeId` is the session_id that beginLoginPasskeySetup returned. */
export async function confirmLoginPasskeySetup<T>(
  challengeId: string,
  response: unknown,
  name: string | undefined,
  client: ClientInfo,
  issue: SessionIssuer<T>,
  now = new Date(),
): Promise<Result<{ session: T; passkey: PasskeyView }>> {
  if (!isSessionId(challengeId)) return fail("invalid_session");
  try {
    return await db.$transaction(
      async (tx): Promise<Result<{ session: T; passkey: PasskeyView }>> => {
        const link = await tx.webAuthnChallenge.findUnique({
          where: { id: challengeId },
          select: { purpose: true, loginSessionId: true },
        });
        if (!link || link.purpose !== "registration" || !link.loginSessionId) return fail("invalid_session");
        const pending = await lockPendingLogin(tx, link.loginSessionId, client, now);
        if (!pending.ok) return pending;
        const login = pending.value;
        const allowed = await checkEnrollmentAllowed(tx, login, settings.passkeyEnabled, "passkey_disabled");
        if (!allowed.ok) return allowed;
        const challenge = await consumeChallengeById(
          tx,
          challengeId,
          { purpose: "registration", userId: login.userId, loginSession: "any" },
          now,
        );
        if (!challenge.ok) return challenge;
        const stored = await verifyAndStoreRegistration(tx, challenge.value, login.userId, response, name, now);
        if (!stored.ok) return stored;
        await consumePendingLogin(tx, login, "passkey", client, now);
        const eventId = await recordSecurityEvent(
          {
            type: "passkey.added",
            userId: login.userId,
            client,
            details: { passkey: stored.value.passkey.id, during_login: true },
          },
          tx,
        );
        await notifySecurityEvent(
          {
            kind: "two_factor_enabled",
            method: "passkey",
            passkeyId: stored.value.passkey.id,
            userId: login.userId,
            ref: eventId,
            client,
            now,
          },
          tx,
        );
        const firstFactor = login.firstFactor === "oauth" ? AMR.oauth : AMR.password;
        const amr = [
          firstFactor,
          AMR.passkey,
          ...(stored.value.userVerified ? [AMR.userVerified] : []),
          AMR.multiFactor,
        ];
        const session = await issue(tx, { userId: login.userId, amr, client }, now);
        return ok({ session, passkey: stored.value.passkey });
      },
      { maxWait: 10_000, timeout: 15_000 },
    );
  } catch (error) {
    if (isDuplicateCredential(error)) return fail("passkey_already_registered");
    throw error;
  }
}
