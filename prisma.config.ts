import { defineConfig } from "prisma/config";

// The CLI only needs a URL for migrate/db commands; `prisma generate` works without one. Migrations
// take a session-level lock a transaction-mode pooler cannot hold: with a pooled DATABASE_URL
// (PgBouncer, a platform's pooled URL), DIRECT_DATABASE_URL names the database itself.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DIRECT_DATABASE_URL || process.env.DATABASE_URL || "" },
});
