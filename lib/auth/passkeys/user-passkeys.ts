import "server-only";
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
} from "@simplewebauthn/server";
import { db, type DbClient, type Tx } from "@/lib/db";
import { settings } from "@/lib/env";
import { Prisma } from "@/lib/generated/prisma/client";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import type { AccountActor } from "../two-factor/account-security";
import { recordSecurityEvent } from "../audit";
import { getFactorSummary, isLastRequiredPasskey } from "../two-factor/factor-summary";
import { authenticatorName, defaultPasskeyName } from "./authenticator-names";
import { authorize, type StepUpProof } from "../policy/step-up";
import { notifySecurityEvent } from "../notices/security-mail";
import {
  CEREMONY_TIMEOUT_MS,
  checkLiveChallenges,
  consumeChallengeById,
  createChallenge,
  type StoredChallenge,
} from "./challenges";
import { knownTransports, parseRegistrationResponse } from "./credential-responses";

/** COSE algorithms offered at registration: ES256, EdDSA, RS256. */
export const PASSKEY_ALGORITHMS = [-7, -8, -257];
export const PASSKEY_NAME_MAX = 64;

/** What the app shows about a passkey; never the public key. */
export type PasskeyView = {
  id: number;
  credentialId: string;
  name: string;
  authenticator: string | null;
  aaguid: string;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
  counter: number;
  rpId: string;
  /** The account's WebAuthn user handle (base64url), as the authenticator stores it. */
  userHandle: string;
  createdAt: Date;
  lastUsedAt: Date | null;
};

const viewSelect = {
  id: true,
  credentialId: true,
  name: true,
  aaguid: true,
  transports: true,
  deviceType: true,
  backedUp: true,
  counter: true,
  rpId: true,
  createdAt: true,
  lastUsedAt: true,
  user: { select: { webauthnUserHandle: true } },
} as const;

type ViewRow = Omit<PasskeyView, "authenticator" | "counter" | "userHandle"> & {
  counter: bigint;
  user: { webauthnUserHandle: string };
};

const toView = ({ user, ...row }: ViewRow): PasskeyView => ({
  ...row,
  counter: Number(row.counter),
  authenticator: authenticatorName(row.aaguid),
  userHandle: user.webauthnUserHandle,
});

/** Printable, single-line, at most PASSKEY_NAME_MAX characters; empty means "no name given". */
export function cleanPasskeyName(name: string | undefined): string {
  return (name ?? "")
    .replace(/[\p{Cc}\p{Cf}]/gu, (c) => (/\s/.test(c) ? " " : ""))
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, PASSKEY_NAME_MAX);
}

export type RegistrationStart = { sessionId: string; options: PublicKeyCredentialCreationOptionsJSON };

/**
 * Registration options for a user, with the challenge stored single-use. The user id is the
 * user's random handle, never the sequential database id; excludeCredentials stops an
 * authenticator from being registered twice.
 */
export async function createRegistrationOptions(
  client: DbClient,
  userId: number,
  loginSessionId: string | null,
  now = new Date(),
): Promise<Result<RegistrationStart>> {
  const capped = await checkLiveChallenges(client, loginSessionId ? { loginSessionId } : { userId }, now);
  if (!capped.ok) return capped;
  const user = await client.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      username: true,
      webauthnUserHandle: true,
      passkeys: { select: { credentialId: true, transports: true } },
    },
  });
  const options = await generateRegistrationOptions({
    rpName: settings.webauthn.rpName,
    rpID: settings.webauthn.rpId,
    userName: user.username,
    userDisplayName: user.username,
    userID: new Uint8Array(Buffer.from(user.webauthnUserHandle, "base64url")),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: "none",
    excludeCredentials: user.passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
  const sessionId = await createChallenge(
    client,
    {
      purpose: "registration",
      challenge: options.challenge,
      userVerification: "preferred",
      userId,
      loginSessionId: loginSessionId ?? undefined,
    },
    now,
  );
  return ok({ sessionId, options });
}

/** Starts adding a passkey to a signed-in account (policy "passkey.add", asked again at the end). */
export async function beginPasskeyRegistration(
  actor: AccountActor,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<RegistrationStart>> {
  if (!settings.passkeyEnabled) return fail("passkey_disabled");
  const allowed = await authorize("passkey.add", actor, {}, client, now);
  if (!allowed.ok) return allowed;
  return createRegistrationOptions(db, actor.userId, null, now);
}

/**
 * Verifies an attestation against the stored challenge, the configured origins (an allowlist,
 * never a request header) and rpId, then stores the credential.
 */
export async function verifyAndStoreRegistration(
  tx: Tx,
  challenge: StoredChallenge,
  userId: number,
  raw: unknown,
  name: string | undefined,
  now: Date,
): Promise<Result<{ passkey: PasskeyView; userVerified: boolean }>> {
  const response = parseRegistrationResponse(raw);
  if (!response) return fail("invalid_passkey");
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: settings.webauthn.origins,
      expectedRPID: settings.webauthn.rpId,
      requireUserPresence: true,
      // What the options asked for (user verification) is what we enforce.
      requireUserVerification: challenge.userVerification === "required",
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
    });
  } catch {
    return fail("invalid_passkey");
  }
  if (!verification.verified) return fail("invalid_passkey");
  const info = verification.registrationInfo;
  if (await tx.passkeyCredential.findUnique({ where: { credentialId: info.credential.id }, select: { id: true } })) {
    return fail("passkey_already_registered");
  }
  const row = await tx.passkeyCredential.create({
    data: {
      userId,
      credentialId: info.credential.id,
      publicKey: info.credential.publicKey,
      counter: BigInt(info.credential.counter),
      transports: knownTransports(response.response.transports),
      aaguid: info.aaguid,
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      name: cleanPasskeyName(name) || defaultPasskeyName(info.aaguid),
      rpId: settings.webauthn.rpId,
      createdAt: now,
    },
    select: viewSelect,
  });
  return ok({ passkey: toView(row), userVerified: info.userVerified });
}

/** A duplicate credential id that slipped past the check (two racing registrations). */
export function isDuplicateCredential(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** Finishes adding a passkey to a signed-in account (its challenge is spent either way). */
export async function registerPasskey(
  actor: AccountActor,
  sessionId: string,
  response: unknown,
  name: string | undefined,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<PasskeyView>> {
  if (!settings.passkeyEnabled) return fail("passkey_disabled");
  const allowed = await authorize("passkey.add", actor, {}, client, now);
  if (!allowed.ok) return allowed;
  const userId = actor.userId;
  try {
    return await db.$transaction(async (tx): Promise<Result<PasskeyView>> => {
      const challenge = await consumeChallengeById(
        tx,
        sessionId,
        { purpose: "registration", userId, loginSession: "none" },
        now,
      );
      if (!challenge.ok) return challenge;
      const stored = await verifyAndStoreRegistration(tx, challenge.value, userId, response, name, now);
      if (!stored.ok) return stored;
      const eventId = await recordSecurityEvent(
        {
          type: "passkey.added",
          userId,
          client,
          details: { passkey: stored.value.passkey.id, name: stored.value.passkey.name },
        },
        tx,
      );
      const factors = await getFactorSummary(userId, tx);
      const kind = factors.totp || factors.passkeys > 1 ? "factor_added" : "two_factor_enabled";
      await notifySecurityEvent(
        {
          kind,
          method: "passkey",
          name: stored.value.passkey.name,
          passkeyId: stored.value.passkey.id,
          userId,
          ref: eventId,
          client,
          now,
        },
        tx,
      );
      return ok(stored.value.passkey);
    });
  } catch (error) {
    if (isDuplicateCredential(error)) return fail("passkey_already_registered");
    throw error;
  }
}

export async function listUserPasskeys(userId: number, client: DbClient = db): Promise<PasskeyView[]> {
  const rows = await client.passkeyCredential.findMany({
    where: { userId },
    select: viewSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map(toView);
}

/** Renames one of the user's own passkeys; anyone else's reads as not found. */
export async function renameUserPasskey(
  userId: number,
  passkeyId: number,
  name: string,
  client: ClientInfo,
): Promise<Result<PasskeyView>> {
  const clean = cleanPasskeyName(name);
  if (!clean)
    return fail("validation_error", {
      message: "name: This field may not be blank.",
      body: { name: ["This field may not be blank."] },
    });
  if (!Number.isSafeInteger(passkeyId) || passkeyId < 1) return fail("credential_not_found");
  const { count } = await db.passkeyCredential.updateMany({ where: { id: passkeyId, userId }, data: { name: clean } });
  if (count !== 1) return fail("credential_not_found");
  await recordSecurityEvent({ type: "passkey.renamed", userId, client, details: { passkey: passkeyId } });
  return ok(toView(await db.passkeyCredential.findUniqueOrThrow({ where: { id: passkeyId }, select: viewSelect })));
}

/**
 * Removes one of the user's own passkeys after step-up. Staff under ADMIN_2FA_REQUIRED cannot
 * remove their last factor; the user row lock makes two concurrent removals see each other.
 */
export async function removeUserPasskey(
  actor: AccountActor,
  credentialId: string,
  proof: StepUpProof,
  client: ClientInfo,
  now = new Date(),
): Promise<Result<void>> {
  const mustKeepFactor = actor.isStaff && settings.admin2faRequired;
  const keepsAFactor = async (tx: DbClient) =>
    !isLastRequiredPasskey(mustKeepFactor, await getFactorSummary(actor.userId, tx));
  const target = await db.passkeyCredential.findFirst({
    where: { credentialId, userId: actor.userId },
    select: { id: true, name: true },
  });
  if (!target) return fail("credential_not_found");
  // Checked before step-up so that a refused removal never spends a backup code.
  if (!(await keepsAFactor(db))) return fail("staff_last_factor");
  const stepUp = await authorize("passkey.remove", actor, proof, client, now);
  if (!stepUp.ok) return stepUp;
  return db.$transaction(async (tx): Promise<Result<void>> => {
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${actor.userId} FOR UPDATE`;
    if (!(await keepsAFactor(tx))) return fail("staff_last_factor");
    const { count } = await tx.passkeyCredential.deleteMany({ where: { id: target.id, userId: actor.userId } });
    if (count !== 1) return fail("credential_not_found");
    const eventId = await recordSecurityEvent(
      { type: "passkey.removed", userId: actor.userId, client, details: { passkey: target.id } },
      tx,
    );
    const left = await getFactorSummary(actor.userId, tx);
    const notice =
      left.totp || left.passkeys > 0
        ? ({ kind: "factor_removed", method: "passkey", name: target.name } as const)
        : ({ kind: "two_factor_disabled" } as const);
    await notifySecurityEvent({ ...notice, userId: actor.userId, ref: eventId, client, now }, tx);
    return ok(undefined);
  });
}
