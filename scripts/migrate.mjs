// `npm run migrate`: applies prisma/migrations as a release or build step (Vercel-style platforms,
// where no long-lived process starts before traffic arrives). Uses DIRECT_DATABASE_URL when set,
// since DATABASE_URL may go through a pooler (PgBouncer in transaction mode, a platform's pooled
// URL) that cannot hold the session-level lock migrations take; else DATABASE_URL.
import path from "node:path";
import { loadDotEnv, root } from "./lib/database.mjs";
import { applyMigrations } from "./lib/migrations.mjs";

loadDotEnv();
const url = process.env.DIRECT_DATABASE_URL || process.env.DATABASE_URL;
if (!url) {
  console.error("migrate: set DATABASE_URL (and DIRECT_DATABASE_URL when DATABASE_URL is pooled)");
  process.exit(2);
}
try {
  const applied = await applyMigrations({
    connectionString: url,
    dir: path.join(root, "prisma", "migrations"),
    log: (line) => console.log(`migrate: ${line}`),
  });
  console.log(`migrate: ${applied.length === 0 ? "no pending migrations" : `${applied.length} applied`}`);
} catch (error) {
  console.error(`migrate: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
