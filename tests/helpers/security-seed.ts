import { randomBytes, randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { makeUser } from "./users";

/** Direct inserts for the security-audit tests: states that would take many requests to reach. */

const DAY = 86_400_000;
export const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * DAY);
export const daysAhead = (now: Date, days: number) => new Date(now.getTime() + days * DAY);

export async function seedUser(options: { staff?: boolean; active?: boolean } = {}) {
  const user = await makeUser({ staff: options.staff });
  if (options.active === false) await db.user.update({ where: { id: user.id }, data: { isActive: false } });
  return user;
}

export async function giveTotp(userId: number, options: { pendingOnly?: boolean } = {}) {
  await db.totpDevice.create({
    data: options.pendingOnly
      ? { userId, pendingSecretEncrypted: "v1.pending", pendingExpiresAt: new Date(Date.now() + 60_000) }
      : { userId, secretEncrypted: "v1.ciphertext", confirmedAt: new Date() },
  });
}

export async function givePasskey(userId: number, options: { lastUsedAt?: Date | null; createdAt?: Date } = {}) {
  return db.passkeyCredential.create({
    data: {
      userId,
      credentialId: randomBytes(16).toString("base64url"),
      publicKey: randomBytes(77),
      deviceType: "singleDevice",
      name: "key",
      rpId: "localhost",
      lastUsedAt: options.lastUsedAt ?? null,
      createdAt: options.createdAt ?? new Date(),
    },
  });
}

/** `unused` fresh codes plus `used` spent ones. */
export async function giveBackupCodes(userId: number, unused: number, used = 0) {
  const rows = [
    ...Array.from({ length: unused }, () => ({ userId, codeHash: randomBytes(16).toString("hex"), usedAt: null })),
    ...Array.from({ length: used }, () => ({ userId, codeHash: randomBytes(16).toString("hex"), usedAt: new Date() })),
  ];
  await db.backupCode.createMany({ data: rows });
}

export async function giveApiKey(
  userId: number,
  options: { createdAt?: Date; lastUsedAt?: Date | null; expiresAt?: Date | null; revokedAt?: Date | null } = {},
) {
  return db.apiKey.create({
    data: {
      userId,
      prefix: `lk_${randomBytes(4).toString("hex")}`,
      secretHash: randomBytes(32).toString("hex"),
      createdAt: options.createdAt ?? new Date(),
      lastUsedAt: options.lastUsedAt ?? null,
      expiresAt: options.expiresAt ?? null,
      revokedAt: options.revokedAt ?? null,
    },
  });
}

export async function addEvent(type: string, options: { userId?: number; ip?: string | null; at?: Date } = {}) {
  return db.securityEvent.create({
    data: { type, userId: options.userId ?? null, ipAddress: options.ip ?? null, createdAt: options.at ?? new Date() },
  });
}

export async function addLoginSession(
  userId: number,
  options: { createdAt: Date; expiresAt: Date; consumedAt?: Date | null },
) {
  return db.loginSession.create({
    data: {
      id: randomUUID(),
      userId,
      firstFactor: "password",
      createdAt: options.createdAt,
      expiresAt: options.expiresAt,
      consumedAt: options.consumedAt ?? null,
    },
  });
}

export async function addAuthSession(
  userId: number,
  options: { expiresAt: Date; revokedAt?: Date | null; refreshTokens?: number },
) {
  return db.authSession.create({
    data: {
      userId,
      kind: "api",
      amr: ["pwd"],
      expiresAt: options.expiresAt,
      revokedAt: options.revokedAt ?? null,
      refreshTokens: {
        create: Array.from({ length: options.refreshTokens ?? 1 }, () => ({
          tokenHash: randomBytes(32).toString("hex"),
          expiresAt: options.expiresAt,
        })),
      },
    },
  });
}

export async function addChallenge(options: {
  userId?: number;
  loginSessionId?: string;
  expiresAt: Date;
  consumedAt?: Date | null;
}) {
  return db.webAuthnChallenge.create({
    data: {
      purpose: "authentication",
      userId: options.userId ?? null,
      loginSessionId: options.loginSessionId ?? null,
      challenge: randomBytes(32).toString("base64url"),
      userVerification: "required",
      expiresAt: options.expiresAt,
      consumedAt: options.consumedAt ?? null,
    },
  });
}

export async function addBucket(key: string, expiresAt: Date) {
  return db.rateLimitBucket.create({
    data: { key, count: 3, windowStart: new Date(expiresAt.getTime() - 60_000), updatedAt: new Date(), expiresAt },
  });
}

/** Every table's row count, including the ones snapshotCounts leaves out. */
export async function countAllRows(): Promise<Record<string, number>> {
  const tables = await db.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`;
  const counts: Record<string, number> = {};
  for (const { tablename } of tables) {
    const rows = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${tablename}"`);
    counts[tablename] = Number(rows[0]?.n ?? 0);
  }
  return counts;
}

export async function addOAuthSignIn(userId: number, options: { expiresAt: Date; consumedAt?: Date | null }) {
  return db.oAuthSignIn.create({
    data: { userId, provider: "github", expiresAt: options.expiresAt, consumedAt: options.consumedAt ?? null },
  });
}

export async function addResetToken(userId: number, options: { expiresAt: Date; usedAt?: Date | null }) {
  return db.passwordResetToken.create({
    data: {
      userId,
      tokenHash: randomBytes(32).toString("hex"),
      expiresAt: options.expiresAt,
      usedAt: options.usedAt ?? null,
    },
  });
}

export async function addEmailChange(userId: number, options: { expiresAt: Date; usedAt?: Date | null }) {
  return db.emailChangeRequest.create({
    data: {
      userId,
      newEmail: `new-${randomBytes(4).toString("hex")}@example.com`,
      tokenHash: randomBytes(32).toString("hex"),
      expiresAt: options.expiresAt,
      usedAt: options.usedAt ?? null,
    },
  });
}

export async function addTrustedDevice(userId: number, options: { expiresAt: Date; revokedAt?: Date | null }) {
  return db.trustedDevice.create({
    data: {
      userId,
      tokenHash: randomBytes(32).toString("hex"),
      expiresAt: options.expiresAt,
      revokedAt: options.revokedAt ?? null,
    },
  });
}

export async function addMail(options: { createdAt: Date }) {
  return db.mailMessage.create({
    data: {
      dedupeKey: `test:${randomBytes(8).toString("hex")}`,
      toAddress: "someone@example.com",
      subject: "s",
      text: "t",
      html: "<p>t</p>",
      createdAt: options.createdAt,
    },
  });
}
