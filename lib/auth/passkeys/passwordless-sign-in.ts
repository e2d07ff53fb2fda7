import "server-only";
import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { AMR } from "../policy/amr";
import { recordRefusalOncePerWindow, recordSecurityEvent } from "../audit";
import { checkEmailVerifiedForSignIn } from "../account/email-verification";
import { assertingCredentialSelect, verifyAssertion } from "./assertions";
import { checkAnonymousRequest, checkAttempt } from "../rate-limit";
import type { SessionIssuer } from "../login/sign-in";
import { CEREMONY_TIMEOUT_MS, consumeChallengeById, createChallenge } from "./challenges";
import { parseAuthenticationResponse } from "./credential-responses";

/**
 * Passwordless sign-in with a discoverable credential (beyond django-lokdown). User verification
 * is required, so the passkey proves possession and a PIN or biometric at once: it satisfies 2FA
 * on its own, for staff under ADMIN_2FA_REQUIRED too.
 */

export type PasswordlessStart = { sessionId: string; options: PublicKeyCredentialRequestOptionsJSON };

/**
 * Options with no allowCredentials: the browser offers whichever passkeys it holds for this site.
 * Each call stores a short-lived challenge; expired ones are deleted as new ones are made and each
 * address may ask ANONYMOUS_POLICIES.passkey_options times a minute, so live challenges stay bounded
 * per address.
 */
export async function beginPasswordlessSignIn(
  client: ClientInfo,
  now = new Date(),
): Promise<Result<PasswordlessStart>> {
  if (!settings.passkeyEnabled) return fail("passkey_disabled");
  // Limited per address: each call stores a row, and nothing secret is needed to make one.
  const limited = await checkAnonymousRequest("passkey_options", client.ip, now);
  if (!limited.ok) return limited;
  const options = await generateAuthenticationOptions({
    rpID: settings.webauthn.rpId,
    userVerification: "required",
    timeout: CEREMONY_TIMEOUT_MS,
  });
  await db.webAuthnChallenge.deleteMany({ where: { purpose: "passwordless", expiresAt: { lt: now } } });
  const sessionId = await createChallenge(
    db,
    { purpose: "passwordless", challenge: options.challenge, userVerification: "required" },
    now,
  );
  return ok({ sessionId, options });
}

export type PasskeySignIn<T> = { userId: number; session: T };

/** Finishes a passwordless sign-in: the challenge is spent, the credential names the user. */
export async function signInWithPasskey<T>(
  sessionId: string,
  raw: unknown,
  client: ClientInfo,
  issue: SessionIssuer<T>,
  now = new Date(),
): Promise<Result<PasskeySignIn<T>>> {
  if (!settings.passkeyEnabled) return fail("passkey_disabled");
  const limited = await checkAttempt("passkey", { ip: client.ip }, now);
  if (!limited.ok) {
    // Without a client address nothing is counted or stored: there is no per-address window to log in.
    if (limited.code !== "client_address_unknown")
      await recordRefusalOncePerWindow(
        { type: "login.rate_limited", client, details: { method: "passkey" } },
        settings.rateLimits.login.windowSeconds,
        now,
      );
    return limited;
  }
  return db.$transaction(
    async (tx): Promise<Result<PasskeySignIn<T>>> => {
      const challenge = await consumeChallengeById(tx, sessionId, { purpose: "passwordless" }, now);
      if (!challenge.ok) return challenge;
      const response = parseAuthenticationResponse(raw);
      if (!response) return fail("invalid_passkey");
      const credential = await tx.passkeyCredential.findUnique({
        where: { credentialId: response.id },
        select: {
          ...assertingCredentialSelect,
          rpId: true,
          user: { select: { id: true, isActive: true, webauthnUserHandle: true } },
        },
      });
      // Unknown passkey, inactive account and a bad signature all answer alike.
      const verified =
        credential && credential.user.isActive && credential.rpId === settings.webauthn.rpId
          ? await verifyAssertion(tx, challenge.value, credential, response, credential.user.webauthnUserHandle, now)
          : fail("invalid_passkey");
      if (!verified.ok || !credential) {
        await recordSecurityEvent(
          { type: "passkey.failed", userId: credential?.user.id ?? null, client, details: { method: "passwordless" } },
          tx,
        );
        return fail("invalid_passkey");
      }
      const userId = credential.user.id;
      const confirmed = await checkEmailVerifiedForSignIn(userId);
      if (!confirmed.ok) return confirmed;
      const session = await issue(tx, { userId, amr: [AMR.passkey, AMR.userVerified, AMR.multiFactor], client }, now);
      await recordSecurityEvent({ type: "login.succeeded", userId, client, details: { method: "passkey" } }, tx);
      return ok({ userId, session });
    },
    { maxWait: 10_000, timeout: 15_000 },
  );
}

/** Whether the sign-in page offers passwordless passkey sign-in. */
export function passkeySignInOffered(): boolean {
  return settings.passkeyEnabled;
}
