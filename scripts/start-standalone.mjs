// The container's start command (Dockerfile CMD), run from the root of the standalone output:
// applies the migrations shipped next to it, then serves the app behind the same small HTTP server
// as `npm start`, which records each request's TCP peer in x-lokdown-peer. The e2e suite runs this
// very script against `next build`'s .next/standalone laid out as the Dockerfile lays it out
// (tests/e2e/deploy.standalone-smoke.test.ts).
//
// Settings come from the environment (DATABASE_URL, AUTH_SECRET, ...; DIRECT_DATABASE_URL for the
// migrations when DATABASE_URL goes through a pooler). PORT (default 3000) and HOSTNAME_BIND
// (default 0.0.0.0) choose where to listen.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { applyMigrations } from "./lib/migrations.mjs";
import { claimPeerHeader, recordPeer } from "./lib/peer.mjs";

const dir = path.resolve(import.meta.dirname, "..");
process.chdir(dir);
process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED = "1";
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME_BIND ?? "0.0.0.0";

const migrationUrl = process.env.DIRECT_DATABASE_URL || process.env.DATABASE_URL;
if (!migrationUrl) {
  console.error("[lokdown] DATABASE_URL is required");
  process.exit(1);
}

try {
  const applied = await applyMigrations({
    connectionString: migrationUrl,
    dir: path.join(dir, "prisma", "migrations"),
    log: (line) => console.log(`[lokdown] ${line}`),
  });
  console.log(`[lokdown] migrations: ${applied.length === 0 ? "up to date" : `${applied.length} applied`}`);

  // The configuration `next build` froze into the output: standalone has no next.config.ts to read.
  const { config } = JSON.parse(readFileSync(path.join(dir, ".next", "required-server-files.json"), "utf8"));
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
  claimPeerHeader();
  const { default: next } = await import("next");
  const app = next({ dev: false, dir, conf: config, hostname: "localhost", port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    // Overwrite, never trust, a client-sent value: this is the socket's own address.
    recordPeer(req);
    void handle(req, res);
  });
  server.on("upgrade", app.getUpgradeHandler());
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => {
      // Finish the requests in flight, then go; a stuck keep-alive client cannot hold the stop.
      server.close(() => process.exit(0));
      server.closeIdleConnections();
      setTimeout(() => process.exit(0), 10_000).unref();
    });
  }
  server.listen(port, hostname, () => console.log(`[lokdown] ready on http://localhost:${port} (standalone)`));
} catch (error) {
  console.error(`[lokdown] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
