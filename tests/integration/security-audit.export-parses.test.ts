import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseSecurityAuditArgs } from "@/scripts/lib/security-audit-args";
import { securityAuditCommand } from "@/scripts/lib/security-audit-command";
import { addEvent, addLoginSession, daysAgo, giveTotp, seedUser } from "../helpers/security-seed";
import { makeUser } from "../helpers/users";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "lokdown-audit-"));
  dirs.push(dir);
  return dir;
}
function capture() {
  const chunks: string[] = [];
  return { stream: { write: (s: string) => chunks.push(s) }, text: () => chunks.join("") };
}

/** A small RFC 4180 reader: quoted cells, doubled quotes, CRLF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let cell = "";
  let rowCells: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") rowCells.push(cell), (cell = "");
    else if (ch === "\r" && text[i + 1] === "\n") {
      rowCells.push(cell);
      rows.push(rowCells);
      (rowCells = []), (cell = ""), i++;
    } else cell += ch;
  }
  if (cell !== "" || rowCells.length > 0) throw new Error("CSV does not end with CRLF");
  return rows;
}

async function seed(now: Date) {
  const staff = await seedUser({ staff: true });
  const user = await seedUser();
  await giveTotp(user.id);
  await addEvent("totp.failed", { ip: "203.0.113.9", at: daysAgo(now, 1) });
  await addLoginSession(user.id, { createdAt: daysAgo(now, 2), expiresAt: daysAgo(now, 2) });
  return { staff };
}

describe("security-audit --export", () => {
  it("writes a JSON file that parses back to the report and the cleanup plan", async () => {
    const now = new Date();
    const { staff } = await seed(now);
    const file = path.join(tempDir(), "audit.json");
    const err = capture();
    const code = await securityAuditCommand(
      parseSecurityAuditArgs(["--export", "json", "--out", file, "--cleanup"]),
      { stdout: capture().stream, stderr: err.stream },
      now,
    );
    expect(code).toBe(3);
    expect(err.text()).toContain(`Report written to ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const parsed = JSON.parse(readFileSync(file, "utf8")) as {
      report: {
        generatedAt: string;
        users: Record<string, unknown>;
        activity: { failedByIp: unknown[] };
        score: { value: number };
      };
      cleanup: { applied: boolean; counts: Record<string, number> };
    };
    expect(parsed.report.generatedAt).toBe(now.toISOString());
    expect(parsed.report.users.active).toBe(2);
    expect(parsed.report.users.withTwoFactor).toBe(1);
    expect(parsed.report.users.staffWithoutTwoFactorNames).toEqual([staff.username]);
    expect(parsed.report.activity.failedByIp).toEqual([{ ip: "203.0.113.9", secondFactor: 1, password: 0, total: 1 }]);
    expect(parsed.cleanup).toMatchObject({ applied: false, counts: { expiredLoginSessions: 1 } });
  });

  it("writes a CSV file of section,metric,value rows, quoting and neutralising formula-like cells", async () => {
    const now = new Date();
    const { staff } = await seed(now);
    // Usernames may start with "-" or "+": a spreadsheet would run "-2+3" as a formula.
    await makeUser({ staff: true, username: "-2+3" });
    const file = path.join(tempDir(), "audit.csv");
    await securityAuditCommand(
      parseSecurityAuditArgs(["--export", "csv", "--out", file]),
      { stdout: capture().stream, stderr: capture().stream },
      now,
    );
    const rows = parseCsv(readFileSync(file, "utf8"));
    expect(rows[0]).toEqual(["section", "metric", "value"]);
    expect(rows.every((r) => r.length === 3)).toBe(true);
    const value = (section: string, metric: string) => rows.find((r) => r[0] === section && r[1] === metric)?.[2];
    expect(value("users", "active")).toBe("3");
    expect(value("users", "withTwoFactor")).toBe("1");
    expect(value("activity", "failedSecondFactor")).toBe("1");
    expect(value("failed_by_ip", "203.0.113.9 total")).toBe("1");
    const names = rows.filter((r) => r[0] === "staff_without_2fa").map((r) => r[2]);
    expect(names.sort()).toEqual(["'-2+3", staff.username].sort());
    expect(value("alert_critical", "staff_without_2fa")).toBe("2");
    // The formula text contains commas: quoted, and read back intact.
    expect(value("score", "formula")).toMatch(/^score = 50·A/);
  });

  it("names the file security-audit-<timestamp>.<format> when --out is not given", async () => {
    const now = new Date("2026-03-04T05:06:07Z");
    const dir = tempDir();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await securityAuditCommand(
        parseSecurityAuditArgs(["--export", "json"]),
        { stdout: capture().stream, stderr: capture().stream },
        now,
      );
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(dir)).toEqual(["security-audit-20260304-050607.json"]);
  });
});
