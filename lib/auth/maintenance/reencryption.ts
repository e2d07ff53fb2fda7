import "server-only";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { decryptSecret, encryptSecret, needsReencryption } from "../encryption";

/**
 * Re-encrypts every encrypted column with the current (first) LOKDOWN_ENCRYPTION_KEY, so that an
 * older key can be removed from the list. Rows are read in key order, a batch at a time; each
 * batch is written in one transaction, and a row is only overwritten while it still holds the
 * value that was read (a user re-enrolling meanwhile wins). Values already under the current key
 * are left alone, so running it again changes nothing.
 */

export type EncryptedColumnId = "totpSecrets" | "pendingTotpSecrets" | "oauthClientSecrets";

export const ENCRYPTED_COLUMN_DESCRIPTIONS: Record<EncryptedColumnId, string> = {
  totpSecrets: "TOTP secrets (totp_devices.secret_encrypted)",
  pendingTotpSecrets: "pending TOTP secrets (totp_devices.pending_secret_encrypted)",
  oauthClientSecrets: "OAuth client secrets (oauth_providers.client_secret_encrypted)",
};

export type ColumnCounts = {
  /** Encrypted values in the column. */
  total: number;
  /** Under an older key: re-encrypted (applied) or to re-encrypt (dry run). */
  stale: number;
  /** Stale values that changed between read and write; the next run picks them up. */
  changedMeanwhile: number;
  /** No configured key opens them: left as they are, and an old key must not be retired yet. */
  unreadable: number;
};

export type ReencryptionResult = {
  applied: boolean;
  counts: Record<EncryptedColumnId, ColumnCounts>;
};

type Row<K> = { key: K; value: string };

/** One encrypted column: a keyed page reader and a compare-and-set writer. */
type EncryptedColumn<K> = {
  read(after: K | null, take: number): Promise<Row<K>[]>;
  /** One conditional update per row: the value is replaced only where it is still `old`. */
  writeBatch(rows: { key: K; old: string; next: string }[]): Promise<number[]>;
};

const totpSecrets: EncryptedColumn<number> = {
  async read(after, take) {
    const rows = await db.totpDevice.findMany({
      where: { secretEncrypted: { not: null }, ...(after === null ? {} : { userId: { gt: after } }) },
      orderBy: { userId: "asc" },
      take,
      select: { userId: true, secretEncrypted: true },
    });
    return rows.map((r) => ({ key: r.userId, value: r.secretEncrypted ?? "" }));
  },
  async writeBatch(rows) {
    const done = await db.$transaction(
      rows.map((r) =>
        db.totpDevice.updateMany({
          where: { userId: r.key, secretEncrypted: r.old },
          data: { secretEncrypted: r.next },
        }),
      ),
    );
    return done.map((d) => d.count);
  },
};

const pendingTotpSecrets: EncryptedColumn<number> = {
  async read(after, take) {
    const rows = await db.totpDevice.findMany({
      where: { pendingSecretEncrypted: { not: null }, ...(after === null ? {} : { userId: { gt: after } }) },
      orderBy: { userId: "asc" },
      take,
      select: { userId: true, pendingSecretEncrypted: true },
    });
    return rows.map((r) => ({ key: r.userId, value: r.pendingSecretEncrypted ?? "" }));
  },
  async writeBatch(rows) {
    const done = await db.$transaction(
      rows.map((r) =>
        db.totpDevice.updateMany({
          where: { userId: r.key, pendingSecretEncrypted: r.old },
          data: { pendingSecretEncrypted: r.next },
        }),
      ),
    );
    return done.map((d) => d.count);
  },
};

const oauthClientSecrets: EncryptedColumn<string> = {
  async read(after, take) {
    const rows = await db.oAuthProvider.findMany({
      where: after === null ? {} : { id: { gt: after } },
      orderBy: { id: "asc" },
      take,
      select: { id: true, clientSecretEncrypted: true },
    });
    return rows.map((r) => ({ key: r.id, value: r.clientSecretEncrypted }));
  },
  async writeBatch(rows) {
    const done = await db.$transaction(
      rows.map((r) =>
        db.oAuthProvider.updateMany({
          where: { id: r.key, clientSecretEncrypted: r.old },
          data: { clientSecretEncrypted: r.next },
        }),
      ),
    );
    return done.map((d) => d.count);
  },
};

async function reencryptColumn<K>(
  column: EncryptedColumn<K>,
  apply: boolean,
  keys: readonly Buffer[],
  batchSize: number,
): Promise<ColumnCounts> {
  const counts: ColumnCounts = { total: 0, stale: 0, changedMeanwhile: 0, unreadable: 0 };
  let after: K | null = null;
  for (;;) {
    const rows = await column.read(after, batchSize);
    if (rows.length === 0) return counts;
    after = rows[rows.length - 1]?.key ?? null;
    counts.total += rows.length;
    const writes: { key: K; old: string; next: string }[] = [];
    for (const row of rows) {
      if (!needsReencryption(row.value, keys)) continue;
      let plaintext: string;
      try {
        plaintext = decryptSecret(row.value, keys);
      } catch {
        counts.unreadable += 1;
        continue;
      }
      counts.stale += 1;
      writes.push({ key: row.key, old: row.value, next: encryptSecret(plaintext, keys) });
    }
    if (apply && writes.length > 0) {
      const written = await column.writeBatch(writes);
      counts.changedMeanwhile += written.filter((n) => n === 0).length;
    }
    if (rows.length < batchSize) return counts;
  }
}

/** Counts (dry run) or re-encrypts (apply) every encrypted value that is not under the current key. */
export async function reencryptSecrets(options: {
  apply: boolean;
  batchSize?: number;
  keys?: readonly Buffer[];
}): Promise<ReencryptionResult> {
  const keys = options.keys ?? settings.encryptionKeys;
  const batchSize = options.batchSize ?? 200;
  return {
    applied: options.apply,
    counts: {
      totpSecrets: await reencryptColumn(totpSecrets, options.apply, keys, batchSize),
      pendingTotpSecrets: await reencryptColumn(pendingTotpSecrets, options.apply, keys, batchSize),
      oauthClientSecrets: await reencryptColumn(oauthClientSecrets, options.apply, keys, batchSize),
    },
  };
}
