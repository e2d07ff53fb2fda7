import "server-only";
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { db, type Tx } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { AMR } from "../policy/amr";
import { lockPendingLogin } from "../login/pending-logins";
import type { SecondFactor } from "../login/second-factor-step";
import {
  CEREMONY_TIMEOUT_MS,
  checkLiveChallenges,
  consumeLoginChallenge,
  createChallenge,
  type StoredChallenge,
  type UserVerification,
} from "./challenges";
import { challengeOf, parseAuthenticationResponse } from "./credential-responses";

/**
 * As a second factor after the password a passkey proves possession; user verification is asked
 * for but not demanded, so security keys without a PIN work. Passwordless sign-in demands it.
 */
export const LOGIN_STEP_USER_VERIFICATION: UserVerification = "preferred";

export type AssertionOptions = {
  challenge: string;
  rpId: string;
  timeout: number;
  options: PublicKeyCredentialRequestOptionsJSON;
};

/** Options for the 2FA step of a pending (unused, unexpired) login, listing the user's passkeys. */
export async function beginPasskeyLoginStep(
  loginSessionId: string,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<AssertionOptions>> {
  return db.$transaction(async (tx): Promise<Result<AssertionOptions>> => {
    const pending = await lockPendingLogin(tx, loginSessionId, client, now);
    if (!pending.ok) return pending;
    const { userId, id } = pending.value;
    const passkeys = await tx.passkeyCredential.findMany({
      where: { userId, rpId: settings.webauthn.rpId },
      select: { credentialId: true, transports: true },
    });
    if (passkeys.length === 0) return fail("passkey_not_enabled");
    const capped = await checkLiveChallenges(tx, { loginSessionId: id }, now);
    if (!capped.ok) return capped;
    const options = await generateAuthenticationOptions({
      rpID: settings.webauthn.rpId,
      allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
      userVerification: LOGIN_STEP_USER_VERIFICATION,
      timeout: CEREMONY_TIMEOUT_MS,
    });
    await createChallenge(
      tx,
      {
        purpose: "authentication",
        challenge: options.challenge,
        userVerification: LOGIN_STEP_USER_VERIFICATION,
        userId,
        loginSessionId: id,
      },
      now,
    );
    return ok({ challenge: options.challenge, rpId: settings.webauthn.rpId, timeout: CEREMONY_TIMEOUT_MS, options });
  });
}

/** `deviceType` holds backup eligibility (BE) as registered: "multiDevice" when BE was set. */
export type AssertingCredential = {
  id: number;
  credentialId: string;
  publicKey: Uint8Array<ArrayBuffer>;
  counter: bigint;
  transports: string[];
  deviceType: string;
};

export const assertingCredentialSelect = {
  id: true,
  credentialId: true,
  publicKey: true,
  counter: true,
  transports: true,
  deviceType: true,
} as const;

const sameHandle = (a: string, b: string) => Buffer.from(a, "base64url").equals(Buffer.from(b, "base64url"));

/**
 * Verifies an assertion by one known credential against a consumed challenge, then records the
 * new counter. A counter that does not increase (when either is non-zero) is refused as a
 * possible clone; the conditional update refuses a second assertion that raced this one.
 * WebAuthn L3 §7.2: when the user was not identified before the ceremony (passwordless), the
 * response must carry a userHandle and it must be the credential owner's; otherwise a userHandle,
 * if sent, must match. Backup eligibility (BE) never changes for a credential, so an assertion
 * whose BE differs from the registration is refused; only the backup state (BS) is updated.
 */
export async function verifyAssertion(
  tx: Tx,
  challenge: StoredChallenge,
  credential: AssertingCredential,
  response: AuthenticationResponseJSON,
  userHandle: string,
  now: Date,
): Promise<Result<{ userVerified: boolean }>> {
  const returnedHandle = response.response.userHandle || null;
  if (returnedHandle === null && challenge.purpose === "passwordless") return fail("invalid_passkey");
  if (returnedHandle !== null && !sameHandle(returnedHandle, userHandle)) return fail("invalid_passkey");
  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: settings.webauthn.origins,
      expectedRPID: settings.webauthn.rpId,
      credential: {
        id: credential.credentialId,
        publicKey: credential.publicKey,
        counter: Number(credential.counter),
        transports: credential.transports,
      },
      requireUserVerification: challenge.userVerification === "required",
    });
  } catch {
    return fail("invalid_passkey");
  }
  if (!result.verified) return fail("invalid_passkey");
  const info = result.authenticationInfo;
  if (info.credentialDeviceType !== credential.deviceType) return fail("invalid_passkey");
  const { count } = await tx.passkeyCredential.updateMany({
    where: { id: credential.id, counter: credential.counter },
    data: { counter: BigInt(info.newCounter), lastUsedAt: now, backedUp: info.credentialBackedUp },
  });
  return count === 1 ? ok({ userVerified: info.userVerified }) : fail("invalid_passkey");
}

/**
 * The passkey branch of the 2FA step: the challenge is used up once, the credential is looked up by
 * its id among the user's own, and the user handle must be theirs (django-lokdown did none of these).
 */
export const passkeyFactor: SecondFactor = {
  name: "passkey",
  scope: "passkey",
  failureEvent: "passkey.failed",
  provided: (input) => typeof input.passkeyResponse === "object" && input.passkeyResponse !== null,
  enrolled: async (tx, userId) => (await tx.passkeyCredential.count({ where: { userId } })) > 0,
  async verify(ctx, input) {
    const response = parseAuthenticationResponse(input.passkeyResponse);
    const value = response && challengeOf(response);
    if (!response || !value) return fail("invalid_passkey");
    // Spent before anything else is checked: one challenge, one attempt.
    const challenge = await consumeLoginChallenge(ctx.tx, ctx.loginSessionId, value, ctx.now);
    if (!challenge.ok) return fail("invalid_passkey");
    // Selected by the id the authenticator answered with, and only among this user's passkeys.
    const credential = await ctx.tx.passkeyCredential.findUnique({
      where: { credentialId: response.id },
      select: {
        ...assertingCredentialSelect,
        userId: true,
        rpId: true,
        user: { select: { webauthnUserHandle: true } },
      },
    });
    if (!credential || credential.userId !== ctx.userId || credential.rpId !== settings.webauthn.rpId)
      return fail("invalid_passkey");
    const verified = await verifyAssertion(
      ctx.tx,
      challenge.value,
      credential,
      response,
      credential.user.webauthnUserHandle,
      ctx.now,
    );
    if (!verified.ok) return verified;
    return ok(verified.value.userVerified ? [AMR.passkey, AMR.userVerified] : [AMR.passkey]);
  },
};
