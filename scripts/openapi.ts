// npm run openapi              rewrites openapi.json from the endpoints the route modules declare
// npm run openapi -- --check   exits 1 when the committed file is out of date (for CI)
import { readFileSync, writeFileSync } from "node:fs";
import { EXIT } from "./lib/cli";

// The route modules are imported for their declarations only: nothing connects, but the settings
// schema wants a URL.
process.env.DATABASE_URL ??= "postgresql://openapi@127.0.0.1:1/never-connected";
const { OPENAPI_SNAPSHOT_PATH, serializeOpenApiDocument } = await import("./lib/openapi-snapshot");

const args = process.argv.slice(2);
const check = args.includes("--check");
const unknown = args.filter((a) => a !== "--check");
if (unknown.length > 0) {
  process.stderr.write(`openapi: unknown argument ${unknown.join(" ")}\nUsage: npm run openapi [-- --check]\n`);
  process.exit(EXIT.usage);
}
const text = serializeOpenApiDocument();
let current = "";
try {
  current = readFileSync(OPENAPI_SNAPSHOT_PATH, "utf8");
} catch {
  // No snapshot yet: --check fails, a plain run writes it.
}
if (check) {
  if (current !== text) {
    process.stderr.write("openapi: openapi.json is out of date; run `npm run openapi` and commit it\n");
    process.exit(EXIT.failure);
  }
  process.stdout.write("openapi.json is up to date\n");
} else if (current === text) {
  process.stdout.write("openapi.json is already up to date\n");
} else {
  writeFileSync(OPENAPI_SNAPSHOT_PATH, text);
  process.stdout.write(`wrote ${OPENAPI_SNAPSHOT_PATH}\n`);
}
