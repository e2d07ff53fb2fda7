import "server-only";
import { generate, generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import { db, type DbClient, type Tx } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import { AMR } from "../policy/amr";
import { decryptSecret, encryptSecret } from "../encryption";
import { ensureBackupCodes } from "./backup-codes";
import { getFactorSummary, hasSecondFactor } from "./factor-summary";
import { replaceBackupCodes } from "./backup-codes";
import type { SecondFactor } from "../login/second-factor-step";

/** RFC 6238 as every authenticator app expects it: SHA-1, 6 digits, 30-second steps. */
export const TOTP = { algorithm: "sha1", digits: 6, period: 30 } as const;
/** An unfinished setup's secret is useless after this long. */
export const PENDING_SETUP_MINUTES = 15;

const epochOf = (now: Date) => Math.floor(now.getTime() / 1000);

/** 160 random bits, base32 (RFC 4226's recommended length). */
export function generateTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export async function totpCodeAt(secret: string, now: Date, digits: 6 | 8 = TOTP.digits): Promise<string> {
  return generate({ secret, epoch: epochOf(now), algorithm: TOTP.algorithm, digits, period: TOTP.period });
}

/**
 * Accepts the current step and one step either side (clock drift), and nothing at or before
 * `afterStep`: a code that was accepted once can never be accepted again.
 */
export async function checkTotpCode(
  secret: string,
  token: string,
  now: Date,
  afterStep: number | null,
): Promise<{ valid: true; step: number } | { valid: false }> {
  if (!/^\d{6}$/.test(token)) return { valid: false };
  // A step used at or beyond the newest step of the window (another instance's clock ran ahead,
  // or this one stepped back) leaves nothing to accept; otplib would throw, this is a wrong code.
  const newestStep = Math.floor((epochOf(now) + TOTP.period) / TOTP.period);
  if (afterStep !== null && (!Number.isSafeInteger(afterStep) || afterStep >= newestStep)) return { valid: false };
  const result = await verify({
    secret,
    token,
    epoch: epochOf(now),
    epochTolerance: TOTP.period,
    algorithm: TOTP.algorithm,
    digits: TOTP.digits,
    period: TOTP.period,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && "timeStep" in result ? { valid: true, step: result.timeStep } : { valid: false };
}

export function totpProvisioningUri(secret: string, account: string): string {
  const uri = generateURI({
    issuer: settings.totpIssuer,
    label: account,
    secret,
    algorithm: TOTP.algorithm,
    digits: TOTP.digits,
    period: TOTP.period,
  });
  // Some apps only read these when present, so always spell them out.
  const url = new URL(uri);
  url.searchParams.set("algorithm", "SHA1");
  url.searchParams.set("digits", String(TOTP.digits));
  url.searchParams.set("period", String(TOTP.period));
  return url.toString();
}

export type TotpSetup = { secret: string; qrCode: string; provisioningUri: string };

/**
 * Starts (or restarts) enrollment: a new secret, kept encrypted as pending until the user proves
 * their app produces codes for it. Returns the secret, its otpauth URI and a PNG QR code in base64.
 */
export async function beginTotpSetup(userId: number, now = new Date()): Promise<Result<TotpSetup>> {
  if (!settings.totpEnabled) return fail("totp_disabled");
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: { email: true, username: true, totpDevice: true },
  });
  if (user.totpDevice?.secretEncrypted) return fail("totp_already_enabled");
  const secret = generateTotpSecret();
  const pending = {
    pendingSecretEncrypted: encryptSecret(secret),
    pendingExpiresAt: new Date(now.getTime() + PENDING_SETUP_MINUTES * 60_000),
  };
  await db.totpDevice.upsert({ where: { userId }, create: { userId, ...pending }, update: pending });
  const provisioningUri = totpProvisioningUri(secret, user.email || user.username);
  const png = await QRCode.toBuffer(provisioningUri, { type: "png", errorCorrectionLevel: "M", margin: 4, scale: 8 });
  return ok({ secret, qrCode: png.toString("base64"), provisioningUri });
}

/**
 * Finishes enrollment: verifies a code against the pending secret, then in one transaction saves
 * the secret, records the step as used and creates backup codes if the user has none left unused
 * (saved codes keep working; django-lokdown replaced them silently).
 */
export async function confirmTotpSetup(
  userId: number,
  token: string,
  now = new Date(),
): Promise<Result<{ backupCodes: string[] }>> {
  return db.$transaction((tx) => confirmTotpSetupIn(tx, userId, token, now));
}

/** confirmTotpSetup inside a caller's transaction (staff enrollment during login). */
export async function confirmTotpSetupIn(
  tx: Tx,
  userId: number,
  token: string,
  now: Date,
): Promise<Result<{ backupCodes: string[] }>> {
  if (!settings.totpEnabled) return fail("totp_disabled");
  const code = token.trim();
  if (!code) return fail("totp_missing_token");
  {
    const rows = await tx.$queryRaw<
      { user_id: number }[]
    >`SELECT user_id FROM totp_devices WHERE user_id = ${userId} FOR UPDATE`;
    const device = rows.length > 0 ? await tx.totpDevice.findUnique({ where: { userId } }) : null;
    if (device?.secretEncrypted) return fail("totp_already_enabled");
    if (!device?.pendingSecretEncrypted || !device.pendingExpiresAt || device.pendingExpiresAt <= now)
      return fail("totp_no_pending_setup");
    const secret = decryptSecret(device.pendingSecretEncrypted);
    const checked = await checkTotpCode(secret, code, now, null);
    if (!checked.valid) return fail("invalid_totp");
    await tx.totpDevice.update({
      where: { userId },
      data: {
        secretEncrypted: device.pendingSecretEncrypted,
        pendingSecretEncrypted: null,
        pendingExpiresAt: null,
        lastUsedStep: BigInt(checked.step),
        confirmedAt: now,
        lastUsedAt: now,
      },
    });
    return ok({ backupCodes: await ensureBackupCodes(tx, userId) });
  }
}

/**
 * Verifies a login code and records its step in one conditional update, so that one code can be
 * accepted once, even by two requests that arrive together.
 */
export async function verifyAndConsumeTotp(
  client: DbClient,
  userId: number,
  token: string,
  now = new Date(),
): Promise<boolean> {
  const device = await client.totpDevice.findUnique({
    where: { userId },
    select: { secretEncrypted: true, lastUsedStep: true },
  });
  if (!device?.secretEncrypted) return false;
  const last = device.lastUsedStep === null ? null : Number(device.lastUsedStep);
  const checked = await checkTotpCode(decryptSecret(device.secretEncrypted), token.trim(), now, last);
  if (!checked.valid) return false;
  const { count } = await client.totpDevice.updateMany({
    where: { userId, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: BigInt(checked.step) } }] },
    data: { lastUsedStep: BigInt(checked.step), lastUsedAt: now },
  });
  return count === 1;
}

export const totpFactor: SecondFactor = {
  name: "totp",
  scope: "totp",
  failureEvent: "totp.failed",
  provided: (input) => typeof input.totpToken === "string" && input.totpToken.trim() !== "",
  enrolled: async (tx, userId) => (await getFactorSummary(userId, tx)).totp,
  async verify(ctx, input) {
    return (await verifyAndConsumeTotp(ctx.tx, ctx.userId, input.totpToken ?? "", ctx.now))
      ? ok([AMR.totp])
      : fail("invalid_totp");
  },
};
