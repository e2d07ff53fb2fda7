import {
  ENCRYPTED_COLUMN_DESCRIPTIONS,
  reencryptSecrets,
  type EncryptedColumnId,
  type ReencryptionResult,
} from "@/lib/auth/maintenance/reencryption";
import { EXIT, type CliIO, type ExitCode } from "./cli";

/** Pure: what `security-audit --reencrypt [--force]` prints. */
export function formatReencryption(result: ReencryptionResult): string {
  let out = result.applied
    ? "Re-encryption with the first LOKDOWN_ENCRYPTION_KEY\n"
    : "Re-encryption, dry run: nothing changed; re-run with --reencrypt --force to apply\n";
  let stale = 0;
  let unreadable = 0;
  let changed = 0;
  for (const [id, c] of Object.entries(result.counts) as [
    EncryptedColumnId,
    ReencryptionResult["counts"][EncryptedColumnId],
  ][]) {
    stale += c.stale;
    unreadable += c.unreadable;
    changed += c.changedMeanwhile;
    const verb = result.applied ? "re-encrypted" : "to re-encrypt";
    out += `  ${ENCRYPTED_COLUMN_DESCRIPTIONS[id]}: ${c.total} stored, ${c.stale - c.changedMeanwhile} ${verb}`;
    if (c.changedMeanwhile > 0) out += `, ${c.changedMeanwhile} changed meanwhile (run again)`;
    if (c.unreadable > 0) out += `, ${c.unreadable} UNREADABLE with the configured keys`;
    out += "\n";
  }
  if (unreadable > 0) {
    out += `  ${unreadable} value(s) open with none of the configured keys: they were left as they are. Put the key that made them back in LOKDOWN_ENCRYPTION_KEY and run again; until then no key may be removed.\n`;
  } else if (result.applied && changed === 0) {
    out += "  Every secret is now under the first key: the other keys in LOKDOWN_ENCRYPTION_KEY can be removed.\n";
  } else if (!result.applied && stale === 0) {
    out += "  Every secret is already under the first key: the other keys in LOKDOWN_ENCRYPTION_KEY can be removed.\n";
  }
  return out;
}

/** Exit 0 when done (or nothing to do), 3 when values stay unreadable or changed meanwhile. */
export async function reencryptCommand(apply: boolean, io: CliIO): Promise<ExitCode> {
  const result = await reencryptSecrets({ apply });
  io.stdout.write(formatReencryption(result));
  const left = Object.values(result.counts).reduce((n, c) => n + c.unreadable + c.changedMeanwhile, 0);
  return left > 0 ? EXIT.findings : EXIT.ok;
}
