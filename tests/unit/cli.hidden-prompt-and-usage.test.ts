import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { computeSecurityScore } from "@/lib/auth/maintenance/security-report";
import { progressBar, UsageError } from "@/scripts/lib/cli";
import { promptHidden } from "@/scripts/lib/create-admin-args";
import { parseSecurityAuditArgs } from "@/scripts/lib/security-audit-args";

class FakeTerminal extends EventEmitter {
  isTTY = true;
  raw: boolean[] = [];
  setRawMode(mode: boolean) {
    this.raw.push(mode);
  }
  resume() {}
  pause() {}
}

function capture(isTTY = false) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (s: string) => chunks.push(s) }, text: () => chunks.join("") };
}

describe("hidden password prompt", () => {
  it("never echoes what is typed, honours backspace, and restores the terminal", async () => {
    const input = new FakeTerminal();
    const out = capture(true);
    const answer = promptHidden(input, out.stream, "Password: ");
    input.emit("data", Buffer.from("secreX"));
    input.emit("data", Buffer.from("\u007ft pass"));
    input.emit("data", Buffer.from("\r"));
    expect(await answer).toBe("secret pass");
    expect(out.text()).toBe("Password: \n");
    expect(input.raw).toEqual([true, false]);
    expect(input.listenerCount("data")).toBe(0);
  });

  it("aborts on Ctrl-C", async () => {
    const input = new FakeTerminal();
    const answer = promptHidden(input, capture(true).stream, "Password: ");
    input.emit("data", "abc\u0003");
    await expect(answer).rejects.toThrow(UsageError);
    expect(input.raw).toEqual([true, false]);
  });
});

describe("progress bar", () => {
  it("draws on a terminal and clears its line; writes nothing to a pipe", () => {
    const tty = capture(true);
    const bar = progressBar(tty.stream, 10);
    bar.update(5, 10, "half");
    bar.clear();
    expect(tty.text()).toBe("\r\x1b[K[#####-----] 5/10 half\r\x1b[K");
    const pipe = capture(false);
    const quiet = progressBar(pipe.stream);
    quiet.update(1, 2, "x");
    quiet.clear();
    expect(pipe.text()).toBe("");
  });
});

describe("security-audit arguments", () => {
  it("parses every option", () => {
    expect(
      parseSecurityAuditArgs(["--days", "7", "--export", "csv", "--out", "r.csv", "--cleanup", "--force"]),
    ).toEqual({
      help: false,
      days: 7,
      export: "csv",
      out: "r.csv",
      cleanup: true,
      reencrypt: false,
      force: true,
    });
    expect(parseSecurityAuditArgs([])).toMatchObject({
      days: 30,
      export: null,
      out: null,
      cleanup: false,
      reencrypt: false,
      force: false,
    });
    expect(parseSecurityAuditArgs(["--reencrypt", "--force"])).toMatchObject({ reencrypt: true, force: true });
  });

  it.each([
    [["--days", "0"]],
    [["--days", "1.5"]],
    [["--days", "abc"]],
    [["--export", "xml"]],
    [["--out", "x.json"]],
    [["--verbose"]],
    [["stray"]],
  ])("refuses %j as a usage error", (argv) => {
    expect(() => parseSecurityAuditArgs(argv)).toThrow(UsageError);
  });
});

describe("security score", () => {
  const base = {
    activeUsers: 10,
    withTwoFactor: 10,
    staff: 2,
    staffWithTwoFactor: 2,
    twoFactorWithBackupCodes: 10,
    failedSecondFactor: 0,
  };
  it("is 100 when everyone is covered and nothing failed, 0 with no users", () => {
    expect(computeSecurityScore(base)).toBe(100);
    expect(computeSecurityScore({ ...base, activeUsers: 0, withTwoFactor: 0 })).toBe(0);
  });
  it("weighs adoption 50, staff 30, backup codes 20, and caps the failure penalty at 20", () => {
    expect(computeSecurityScore({ ...base, withTwoFactor: 5, twoFactorWithBackupCodes: 5 })).toBe(75);
    expect(computeSecurityScore({ ...base, staffWithTwoFactor: 0 })).toBe(70);
    expect(computeSecurityScore({ ...base, twoFactorWithBackupCodes: 0 })).toBe(80);
    expect(computeSecurityScore({ ...base, failedSecondFactor: 10 })).toBe(98);
    expect(computeSecurityScore({ ...base, failedSecondFactor: 10_000 })).toBe(80);
    expect(
      computeSecurityScore({
        ...base,
        withTwoFactor: 0,
        staffWithTwoFactor: 0,
        twoFactorWithBackupCodes: 0,
        failedSecondFactor: 500,
      }),
    ).toBe(0);
  });
});
