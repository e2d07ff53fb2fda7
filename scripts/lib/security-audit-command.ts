import { writeFileSync } from "node:fs";
import path from "node:path";
import {
  applyCleanup,
  CLEANUP_DESCRIPTIONS,
  planCleanup,
  type CleanupCounts,
  type CleanupResult,
} from "@/lib/auth/maintenance/cleanup";
import {
  buildSecurityReport,
  FAILED_SECOND_FACTOR_EVENTS,
  type SecurityReport,
} from "@/lib/auth/maintenance/security-report";
import { EXIT, progressBar, row, type CliIO, type ExitCode } from "./cli";
import { reencryptCommand } from "./reencrypt-command";
import type { SecurityAuditOptions } from "./security-audit-args";

const RULE = "=".repeat(50);

const TYPE_LABELS: Record<(typeof FAILED_SECOND_FACTOR_EVENTS)[number], string> = {
  "totp.failed": "TOTP",
  "backup_code.failed": "backup code",
  "passkey.failed": "passkey",
  "login.2fa_failed": "other",
};

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}${l}\n`).join("");
}

/** Pure: the human-readable report. */
export function formatReport(report: SecurityReport, cleanup: CleanupResult | null): string {
  const u = report.users;
  const a = report.activity;
  const k = report.apiKeys;
  let out = `Security Audit Report\n${RULE}\n`;
  out += `Generated ${report.generatedAt}; recent activity since ${report.windowStart} (${report.windowDays} days)\n\n`;

  out += "Users (active accounts)\n";
  out += row("Active users", `${u.active}${u.inactive > 0 ? ` (${u.inactive} deactivated, not counted)` : ""}`);
  out += row("2FA enabled", `${u.withTwoFactor} (${u.adoptionPercent.toFixed(1)}% adoption)`);
  out += row("  TOTP users", u.withTotp);
  out += row("  Passkey users", u.withPasskey);
  out += row("  Both", u.withBoth);
  out += row("  Passkey only", u.passkeyOnly);
  out += row("Staff", u.staff);
  const names =
    u.staffWithoutTwoFactorNames.join(", ") +
    (u.staffWithoutTwoFactor > u.staffWithoutTwoFactorNames.length ? ", …" : "");
  out += row("Staff without 2FA", u.staffWithoutTwoFactor > 0 ? `${u.staffWithoutTwoFactor} (${names})` : 0);
  out += row("2FA users without unused backup codes", u.twoFactorWithoutBackupCodes);

  out += `\nRecent activity (last ${report.windowDays} days)\n`;
  out += row("Login sessions started", a.loginSessionsStarted);
  out += row("Pending logins now", a.pendingLoginSessions);
  out += row("Signed-in sessions now", a.activeSessions);
  const byType = FAILED_SECOND_FACTOR_EVENTS.map((t) => `${TYPE_LABELS[t]} ${a.failedSecondFactorByType[t]}`).join(
    ", ",
  );
  out += row("Failed second-factor attempts", `${a.failedSecondFactor} (${byType})`);
  out += row("Failed password attempts", a.failedPasswords);
  if (a.failedByIp.length > 0) {
    out += `  Failed attempts by IP (top ${a.failedByIp.length}):\n`;
    out += `    ${"IP".padEnd(40)} ${"2FA".padStart(6)} ${"password".padStart(9)} ${"total".padStart(6)}\n`;
    for (const r of a.failedByIp) {
      out += `    ${r.ip.padEnd(40)} ${String(r.secondFactor).padStart(6)} ${String(r.password).padStart(9)} ${String(r.total).padStart(6)}\n`;
    }
  }

  out += "\nAPI keys\n";
  out += row("Active", k.active);
  out += row("  Never used", k.neverUsed);
  out += row(`  Not used in the last ${report.windowDays} days`, k.unusedInWindow);
  out += row("  Expiring within 7 days", k.expiringSoon);
  out += row("Expired (not revoked)", k.expired);
  out += row("Revoked", k.revoked);

  out += "\nPasskeys\n";
  out += row("Registered", report.passkeys.total);
  out += row("Not used for 90+ days", report.passkeys.unusedFor90Days);

  out += `\nSecurity score: ${report.score.value.toFixed(1)}/100\n${wrap(report.score.formula, 96, "  ")}`;

  out += "\nAlerts\n";
  if (report.alerts.length === 0) out += "  No alerts.\n";
  for (const alert of report.alerts) out += `  [${alert.level}] ${alert.message}\n`;

  if (cleanup) out += `\n${formatCleanup(cleanup)}`;
  out += `${RULE}\nSecurity audit completed.\n`;
  return out;
}

/** Pure: the cleanup section. */
export function formatCleanup(cleanup: CleanupResult): string {
  let out = cleanup.applied
    ? `Cleanup (retention ${cleanup.retentionDays} days, cutoff ${cleanup.cutoff})\n`
    : `Cleanup, dry run: nothing deleted; re-run with --cleanup --force to apply (retention ${cleanup.retentionDays} days, cutoff ${cleanup.cutoff})\n`;
  const verb = cleanup.applied ? "Deleted" : "Would delete";
  for (const [key, count] of Object.entries(cleanup.counts) as [keyof CleanupCounts, number][]) {
    out += `  ${verb} ${count} ${CLEANUP_DESCRIPTIONS[key]}\n`;
  }
  out += `  ${cleanup.applied ? "Deleted" : "Would delete"} ${cleanup.total} row(s) in all. Passkeys, TOTP and unused backup codes are never deleted.\n`;
  return out;
}

// A cell starting with one of these is a formula in spreadsheet programs (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: string | number): string {
  if (typeof value === "number") return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Pure: the report as CSV rows of section,metric,value (RFC 4180). */
export function reportToCsv(report: SecurityReport, cleanup: CleanupResult | null): string {
  const rows: [string, string, string | number][] = [
    ["meta", "generated_at", report.generatedAt],
    ["meta", "window_days", report.windowDays],
    ["meta", "window_start", report.windowStart],
  ];
  for (const [key, value] of Object.entries(report.users)) {
    if (Array.isArray(value)) for (const name of value) rows.push(["staff_without_2fa", "username", name]);
    else rows.push(["users", key, value]);
  }
  for (const [key, value] of Object.entries(report.activity)) {
    if (typeof value === "number") rows.push(["activity", key, value]);
  }
  for (const [type, count] of Object.entries(report.activity.failedSecondFactorByType))
    rows.push(["failed_second_factor", type, count]);
  for (const r of report.activity.failedByIp) {
    rows.push(
      ["failed_by_ip", `${r.ip} second_factor`, r.secondFactor],
      ["failed_by_ip", `${r.ip} password`, r.password],
      ["failed_by_ip", `${r.ip} total`, r.total],
    );
  }
  for (const [key, value] of Object.entries(report.apiKeys)) rows.push(["api_keys", key, value]);
  for (const [key, value] of Object.entries(report.passkeys)) rows.push(["passkeys", key, value]);
  rows.push(["score", "value", report.score.value], ["score", "formula", report.score.formula]);
  for (const alert of report.alerts) rows.push([`alert_${alert.level}`, alert.code, alert.count]);
  if (cleanup) {
    const section = cleanup.applied ? "cleanup_deleted" : "cleanup_would_delete";
    for (const [key, count] of Object.entries(cleanup.counts)) rows.push([section, key, count]);
  }
  return ["section,metric,value", ...rows.map((r) => r.map(csvCell).join(","))].join("\r\n") + "\r\n";
}

export function defaultExportName(format: "csv" | "json", now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `security-audit-${stamp}.${format}`;
}

/** Runs the audit: report, optional cleanup, optional export. Returns the exit code. */
export async function securityAuditCommand(
  options: SecurityAuditOptions,
  io: CliIO,
  now = new Date(),
): Promise<ExitCode> {
  if (options.reencrypt) return reencryptCommand(options.force, io);
  if (options.force && !options.cleanup) io.stderr.write("warning: --force has no effect without --cleanup\n");
  const bar = progressBar(io.stderr);
  let report: SecurityReport;
  try {
    report = await buildSecurityReport({ days: options.days, now, onProgress: bar.update });
  } finally {
    bar.clear();
  }
  let cleanup: CleanupResult | null = null;
  if (options.cleanup) cleanup = options.force ? await applyCleanup({ now }) : await planCleanup({ now });

  io.stdout.write(formatReport(report, cleanup));

  if (options.export) {
    const file = path.resolve(options.out ?? defaultExportName(options.export, now));
    const body =
      options.export === "json" ? `${JSON.stringify({ report, cleanup }, null, 2)}\n` : reportToCsv(report, cleanup);
    // Usernames and client addresses are personal data: readable by the owner only.
    writeFileSync(file, body, { mode: 0o600 });
    io.stderr.write(`Report written to ${file}\n`);
  }
  return report.alerts.length > 0 ? EXIT.findings : EXIT.ok;
}
