import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * Shared pieces of the command-line tools. Exit codes, the same for every command:
 *   0  success, nothing to report
 *   1  failure (the command could not do its job: database down, refused input, invalid configuration)
 *   2  usage error (unknown option, bad value)
 *   3  success with findings (security-audit raised alerts, check found warnings or errors)
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, findings: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type OutputStream = { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
export type CliIO = { stdout: OutputStream; stderr: OutputStream };

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs in strict mode, with its errors turned into UsageError. */
export function parseOptions<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function parseWholeNumber(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return n;
}

/**
 * A one-line progress bar on a terminal; nothing at all when the stream is not a TTY (pipes,
 * logs, cron), so captured output stays clean.
 */
export function progressBar(
  stream: OutputStream,
  width = 24,
): { update(done: number, total: number, label: string): void; clear(): void } {
  let drawn = false;
  return {
    update(done, total, label) {
      if (!stream.isTTY) return;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      stream.write(`\r\x1b[K[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${label}`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}

/** Left-aligned label, right-aligned value columns for the text reports. */
export function row(label: string, value: string | number, width = 40): string {
  return `  ${`${label}:`.padEnd(width)} ${value}\n`;
}
