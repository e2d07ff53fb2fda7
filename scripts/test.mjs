// `npm test`: unit, integration (real PostgreSQL) and end-to-end (real Chromium against a
// production build) suites. PostgreSQL is the embedded server unless DATABASE_URL is set — and
// then that database is emptied by the tests, so never point it at data you want to keep. The
// integration workers each get a copy of it (tests/helpers/worker-databases.ts).
//   node scripts/test.mjs [--only=unit,integration,e2e]
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildApp, migrate, root, run, startEmbeddedPostgres } from "./lib/database.mjs";

const onlyArg = process.argv.find((a) => a.startsWith("--only="));
const suites = new Set((onlyArg ? onlyArg.slice("--only=".length) : "unit,integration,e2e").split(","));
process.env.NEXT_TELEMETRY_DISABLED = "1";

const bin = (pkg, file) => path.join(root, "node_modules", pkg, file);
const vitest = (args, env) =>
  run(process.execPath, [bin("vitest", "vitest.mjs"), "run", ...args], { env: { ...process.env, ...env } });

/**
 * One run at a time per checkout: runs share .next (the build) and .data/test-postgres. A lock
 * left by a process that no longer exists is taken over.
 */
async function acquireLock() {
  const dir = path.join(root, ".data", "test-run.lock");
  mkdirSync(path.dirname(dir), { recursive: true });
  for (let waited = 0; ; waited += 2) {
    try {
      mkdirSync(dir);
      writeFileSync(path.join(dir, "pid"), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch {
      let owner = 0;
      try {
        owner = Number(readFileSync(path.join(dir, "pid"), "utf8"));
      } catch {
        // Just created by another run that has not written its pid yet, unless it is old.
        const age = Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0);
        if (age > 10_000) rmSync(dir, { recursive: true, force: true });
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      try {
        process.kill(owner, 0);
      } catch {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (waited % 30 === 0) console.log(`[test] waiting for another test run (pid ${owner}) to finish`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

const releaseLock = await acquireLock();
let embedded = null;
let failed = false;
try {
  let urls = { integration: process.env.DATABASE_URL, e2e: process.env.DATABASE_URL };
  if (!process.env.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(root, ".data", "test-postgres"),
      databaseNames: ["lokdown_test", "lokdown_e2e"],
      fresh: true,
    });
    urls = { integration: embedded.urlFor("lokdown_test"), e2e: embedded.urlFor("lokdown_e2e") };
  }
  if (suites.has("unit") || suites.has("integration")) {
    await migrate(urls.integration);
    const projects = ["unit", "integration"].filter((s) => suites.has(s)).flatMap((s) => ["--project", s]);
    await vitest(projects, { NODE_ENV: "test", DATABASE_URL: urls.integration });
  }
  if (suites.has("e2e")) {
    await migrate(urls.e2e);
    const env = {
      DATABASE_URL: urls.e2e,
      AUTH_SECRET: randomBytes(32).toString("base64"),
      LOKDOWN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    };
    await buildApp({ env: { ...process.env, ...env, NODE_ENV: "production" } });
    await vitest(["--config", "vitest.e2e.config.ts"], env);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  failed = true;
} finally {
  await embedded?.stop();
  releaseLock();
}
process.exit(failed ? 1 : 0);
