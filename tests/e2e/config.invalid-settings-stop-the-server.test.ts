import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/database.mjs";

/**
 * A production server with settings it cannot run with stops at once with a non-zero status and
 * names the variables on stderr, instead of listening and answering 500 to every page. Each start
 * path is covered: `npm start` (scripts/server.mjs), plain `next start` and the standalone server
 * (the last two through instrumentation.ts).
 */

// Non-empty on purpose: a developer's .env cannot fill them in, so the test runs the same everywhere.
const BAD = { NODE_ENV: "production", AUTH_SECRET: "too-short", LOKDOWN_ENCRYPTION_KEY: "bm90LTMyLWJ5dGVz" };

/** Resolves when the process exits, or with exit "still running" (after killing it) when it outlives the bound. */
async function runToExit(
  args: string[],
  env: Record<string, string>,
): Promise<{ exit: number | string; stderr: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port), HOSTNAME_BIND: "127.0.0.1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    // A working production start is ready within seconds; a server still up after this keeps serving.
    const bound = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ exit: "still running", stderr });
    }, 45_000);
    child.on("exit", (code, signal) => {
      clearTimeout(bound);
      resolve({ exit: code ?? String(signal), stderr });
    });
  });
}

const nextBin = path.resolve("node_modules/next/dist/bin/next");
const standalone = path.resolve(".next/standalone/server.js");

describe("invalid configuration in production", () => {
  it("npm start (scripts/server.mjs) exits non-zero and names the variables", async () => {
    const run = await runToExit([path.resolve("scripts/server.mjs")], BAD);
    expect(run.exit).toBe(1);
    expect(run.stderr).toContain("AUTH_SECRET must be at least 32 characters");
    expect(run.stderr).toContain("LOKDOWN_ENCRYPTION_KEY key 1 must be 32 bytes");
  });

  it("next start exits non-zero and names the variables", async () => {
    const run = await runToExit([nextBin, "start", "--hostname", "127.0.0.1"], BAD);
    expect(run.exit).toBe(1);
    expect(run.stderr).toContain("AUTH_SECRET must be at least 32 characters");
    expect(run.stderr).toContain("LOKDOWN_ENCRYPTION_KEY key 1 must be 32 bytes");
  });

  it("a missing required secret is named too", async () => {
    const run = await runToExit([nextBin, "start", "--hostname", "127.0.0.1"], {
      ...BAD,
      AUTH_SECRET: "",
      LOKDOWN_ENCRYPTION_KEY: "",
    });
    expect(run.exit).toBe(1);
    expect(run.stderr).toMatch(/LOKDOWN_ENCRYPTION_KEY is required in production/);
  });

  // Present when next.config.ts builds with output: "standalone" (the Docker image's server).
  it.skipIf(!existsSync(standalone))("the standalone server exits non-zero and names the variables", async () => {
    const run = await runToExit([standalone], BAD);
    expect(run.exit).toBe(1);
    expect(run.stderr).toContain("AUTH_SECRET must be at least 32 characters");
  });
});
