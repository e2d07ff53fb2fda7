import { defineConfig } from "prisma/config";

// The CLI only needs a URL for migrate/db commands; `prisma generate` works without one. Migrations
// need one server session (advisory lock, DDL), so they use DIRECT_DATABASE_URL when DATABASE_URL
// goes through a transaction-mode pooler such as PgBouncer.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DIRECT_DATABASE_URL || process.env.DATABASE_URL || "" },
});
