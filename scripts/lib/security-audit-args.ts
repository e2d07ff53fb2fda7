import { parseOptions, parseWholeNumber, UsageError } from "./cli";

export type ExportFormat = "csv" | "json";

export type SecurityAuditOptions = {
  help: boolean;
  days: number;
  export: ExportFormat | null;
  /** Export file; null means security-audit-<timestamp>.<format> in the current directory. */
  out: string | null;
  cleanup: boolean;
  /** Re-encrypt stored secrets under the current key instead of reporting (dry run without force). */
  reencrypt: boolean;
  force: boolean;
};

export const SECURITY_AUDIT_USAGE = `Usage: npm run security-audit -- [options]

  --days N                 window for recent activity, in days (default 30)
  --export csv|json        also write the report to a file
  --out FILE               export file (default security-audit-<timestamp>.<format>)
  --cleanup                list what cleanup would delete (dry run)
  --cleanup --force        delete it
  --reencrypt              count the secrets stored under an older LOKDOWN_ENCRYPTION_KEY (dry run)
  --reencrypt --force      re-encrypt them with the first key, so the older keys can be removed
  -h, --help               show this help

Exit codes: 0 no alerts, 3 alerts raised, 1 failure, 2 usage error.
`;

/** Pure: argv → options. Throws UsageError. */
export function parseSecurityAuditArgs(argv: string[]): SecurityAuditOptions {
  const v = parseOptions(argv, {
    help: { type: "boolean", short: "h" },
    days: { type: "string" },
    export: { type: "string" },
    out: { type: "string" },
    cleanup: { type: "boolean" },
    reencrypt: { type: "boolean" },
    force: { type: "boolean" },
  });
  if (v.reencrypt && (v.cleanup || v.export !== undefined))
    throw new UsageError("--reencrypt runs alone (no --cleanup or --export)");
  const format = v.export;
  if (format !== undefined && format !== "csv" && format !== "json")
    throw new UsageError(`--export must be csv or json (got "${format}")`);
  if (v.out !== undefined && format === undefined) throw new UsageError("--out needs --export csv|json");
  if (v.out !== undefined && v.out.trim() === "") throw new UsageError("--out needs a file name");
  return {
    help: v.help ?? false,
    days: parseWholeNumber("days", v.days, 30, 1, 3650),
    export: format ?? null,
    out: v.out ?? null,
    cleanup: v.cleanup ?? false,
    reencrypt: v.reencrypt ?? false,
    force: v.force ?? false,
  };
}
