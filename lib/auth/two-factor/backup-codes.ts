import "server-only";
import { randomInt } from "node:crypto";
import { db, type DbClient } from "@/lib/db";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import { AMR } from "../policy/amr";
import { keyedHash } from "../secrets";
import { getFactorSummary, hasSecondFactor } from "./factor-summary";
import type { SecondFactor } from "../login/second-factor-step";
import { notifyIfBackupCodesLow } from "../notices/security-mail";

/** No 0/O, 1/I/L: codes are read off paper. 31 symbols, ~4.95 bits each. */
export const BACKUP_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** Case- and dash-insensitive: "abcd-efgh 23" and "ABCDEFGH23" are the same code. */
export function normalizeBackupCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, "");
}

const hashCode = (code: string) => keyedHash("backup-code", normalizeBackupCode(code));

export function generateBackupCodeStrings(
  count = settings.backupCodes.count,
  length = settings.backupCodes.length,
): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    let code = "";
    for (let i = 0; i < length; i++) code += BACKUP_CODE_ALPHABET[randomInt(BACKUP_CODE_ALPHABET.length)];
    codes.add(code);
  }
  return [...codes];
}

/** Replaces all of a user's codes with a fresh set; returns the plaintext, which is never stored. */
export async function replaceBackupCodes(client: DbClient, userId: number): Promise<string[]> {
  const codes = generateBackupCodeStrings();
  await client.backupCode.deleteMany({ where: { userId } });
  await client.backupCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashCode(code) })) });
  return codes;
}

/**
 * For a new factor: a first set of codes only when the user has no unused ones. Codes the user
 * saved earlier keep working; replacing them is only ever the explicit "regenerate". Returns the
 * new plaintext codes, or [] when the existing ones were kept.
 */
export async function ensureBackupCodes(client: DbClient, userId: number): Promise<string[]> {
  if ((await client.backupCode.count({ where: { userId, usedAt: null } })) > 0) return [];
  return replaceBackupCodes(client, userId);
}

/** Single use even under concurrency: only one conditional update can flip used_at. */
export async function consumeBackupCode(
  client: DbClient,
  userId: number,
  code: string,
  now = new Date(),
): Promise<boolean> {
  const normalized = normalizeBackupCode(code);
  if (normalized.length === 0 || normalized.length > 64) return false;
  const { count } = await client.backupCode.updateMany({
    where: { userId, codeHash: hashCode(normalized), usedAt: null },
    data: { usedAt: now },
  });
  return count === 1;
}

/** New codes for a user who has a primary factor (the caller has checked step-up). */
export async function regenerateBackupCodes(userId: number): Promise<Result<string[]>> {
  return db.$transaction(async (tx) => {
    if (!hasSecondFactor(await getFactorSummary(userId, tx))) return fail("no_backup_codes_without_factor");
    return ok(await replaceBackupCodes(tx, userId));
  });
}

export const backupCodeFactor: SecondFactor = {
  name: "backup_code",
  scope: "backup_code",
  failureEvent: "backup_code.failed",
  provided: (input) => typeof input.backupCode === "string" && input.backupCode.trim() !== "",
  enrolled: async (tx, userId) => (await tx.backupCode.count({ where: { userId, usedAt: null } })) > 0,
  async verify(ctx, input) {
    // Backup codes recover a second factor; they never stand in for the first one (1.3.0+).
    if (!hasSecondFactor(await getFactorSummary(ctx.userId, ctx.tx))) return fail("primary_2fa_required");
    const used = await consumeBackupCode(ctx.tx, ctx.userId, input.backupCode ?? "", ctx.now);
    if (!used) return fail("invalid_backup_code");
    await notifyIfBackupCodesLow(ctx.tx, ctx.userId, ctx.client, ctx.now);
    return ok([AMR.backupCode]);
  },
};
