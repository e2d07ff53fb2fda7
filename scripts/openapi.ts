// npm run openapi              rewrites openapi.json from the zod schemas and lib/openapi/operations.ts
// npm run openapi -- --check   exits 1 when the committed file is out of date (for CI)
import { readFileSync, writeFileSync } from "node:fs";
import { EXIT } from "./lib/cli";
import { OPENAPI_SNAPSHOT_PATH, serializeOpenApiDocument } from "./lib/openapi-snapshot";

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
