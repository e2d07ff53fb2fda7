import { availableParallelism } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  "server-only": path.resolve(import.meta.dirname, "tests/helpers/empty.ts"),
};

/**
 * Test files at a time, for both projects (they share the workers). Two even on one core: a file
 * spends much of its time waiting for PostgreSQL. Each integration worker has a database of its own.
 */
const workers = Math.min(4, Math.max(2, availableParallelism()));

/** Unit and integration suites; end-to-end runs from vitest.e2e.config.ts after a build. */
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          maxWorkers: workers,
          // Unit tests never connect; lib/env.ts still wants a URL so `npm run test:unit` runs anywhere.
          env: { DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://unit-tests@127.0.0.1:1/never-connected" },
          // The OpenAPI tests import every route module, and so next-auth (see below).
          server: { deps: { inline: ["next-auth"] } },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          // Files run in parallel, each worker on its own copy of the suite's database; tests reset it.
          maxWorkers: workers,
          globalSetup: ["tests/helpers/worker-databases.ts"],
          setupFiles: ["tests/helpers/integration-worker.ts", "tests/helpers/integration-setup.ts"],
          // next-auth imports "next/server" without an extension, which only a bundler resolves.
          server: { deps: { inline: ["next-auth"] } },
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
