import { spawn } from "node:child_process";
import path from "node:path";
import { loadDotEnv, root, startEmbeddedPostgres } from "./database.mjs";
import type { OutputStream } from "./cli";

/** prisma migrate deploy, its chatter sent to stderr so that stdout carries only the report. */
function migrateQuietly(databaseUrl: string, stderr: OutputStream): Promise<void> {
  const prisma = path.join(root, "node_modules", "prisma", "build", "index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prisma, "migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) return resolve();
      stderr.write(output);
      reject(new Error(`prisma migrate deploy exited with ${code}`));
    });
  });
}

/**
 * Runs `task` with a database, as `npm run dev` / `npm start` would find it: DATABASE_URL from the
 * environment or .env, otherwise the embedded PostgreSQL in .data/postgres (started here, migrated,
 * stopped afterwards). lib/env.ts reads process.env when first imported, so `task` must import
 * lib modules dynamically, after this has set DATABASE_URL.
 */
export async function withDatabase<T>(stderr: OutputStream, task: () => Promise<T>): Promise<T> {
  loadDotEnv();
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  if (!process.env.DATABASE_URL) {
    try {
      embedded = await startEmbeddedPostgres({
        dataDir: path.join(root, ".data", "postgres"),
        databaseNames: ["lokdown"],
      });
    } catch (error) {
      throw new Error(
        `could not start the embedded PostgreSQL in .data/postgres (${error instanceof Error ? error.message : String(error)}). ` +
          "If `npm run dev` or `npm start` is running, it holds that database: stop it, or set DATABASE_URL.",
      );
    }
    process.env.DATABASE_URL = embedded.urlFor("lokdown");
  }
  try {
    if (embedded) await migrateQuietly(process.env.DATABASE_URL, stderr);
    return await task();
  } finally {
    // Never let closing mask the task's own error (e.g. an invalid configuration).
    await import("@/lib/db").then(({ closeDatabase }) => closeDatabase()).catch(() => undefined);
    await embedded?.stop();
  }
}
