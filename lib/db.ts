import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { settings } from "@/lib/env";

function createClient(): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: settings.databaseUrl,
    max: 10,
    // A stopped database must answer quickly with an error, never hang a request.
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
  });
  return new PrismaClient({ adapter });
}

// One client per process; dev hot reloads re-evaluate modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { lokdownPrisma?: PrismaClient };
export const db: PrismaClient = globalForPrisma.lokdownPrisma ?? createClient();
globalForPrisma.lokdownPrisma = db;

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export type DbClient = PrismaClient | Tx;
