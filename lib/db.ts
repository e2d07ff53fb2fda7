import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import DataLoader from "dataloader";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { settings } from "@/lib/env";

type Database = { client: PrismaClient; pool: pg.Pool };

function connect(): Database {
  const pool = new pg.Pool({
    connectionString: settings.databaseUrl,
    max: 10,
    // A stopped database must answer quickly with an error, never hang a request.
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
  });
  // An idle connection the server dropped must not take the process down. Nothing to log here:
  // the next query opens a new connection, or reports the outage itself (a 503).
  pool.on("error", () => undefined);
  const adapter = new PrismaPg(pool);
  return { client: new PrismaClient({ adapter }), pool };
}

// One pool and client per process; dev hot reloads re-evaluate modules, so keep them on globalThis.
const globalForDatabase = globalThis as unknown as { lokdownDatabase?: Database };
const database = globalForDatabase.lokdownDatabase ?? connect();
globalForDatabase.lokdownDatabase = database;

export const db: PrismaClient = database.client;

/** For scripts and test files that end before the process does: closes the pool's connections. */
export async function closeDatabase(): Promise<void> {
  await database.client.$disconnect();
  await database.pool.end();
  // A later import in this process (the next test file) starts afresh.
  if (globalForDatabase.lokdownDatabase === database) delete globalForDatabase.lokdownDatabase;
}

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
export type DbClient = PrismaClient | Tx;

/** Runs `work` inside `client` when it is a transaction, else in a new transaction. */
export function atomically<T>(client: DbClient, work: (tx: Tx) => Promise<T>): Promise<T> {
  return client === database.client ? database.client.$transaction(work) : work(client as Tx);
}

const TIMESTAMP_WITHOUT_TIME_ZONE = 1114;
// Prisma stores DateTime as UTC in `timestamp(3)` columns; node-postgres would read them as local time.
const utcTimestamps: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_WITHOUT_TIME_ZONE && format !== "binary"
      ? (value: string) => new Date(`${value.replace(" ", "T")}Z`)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * A read sent straight to the pool Prisma shares, without Prisma's query layer, which would double
 * the client-side cost of the round trip an authenticated request makes. Always an unnamed
 * statement: a named one lives on one server connection, and behind a transaction-mode pooler
 * (PgBouncer, cloud poolers) the next query may run on another, where that name is unknown or
 * names something else.
 */
export async function readRows<Row>(text: string, values: unknown[]): Promise<Row[]> {
  const result = await database.pool.query({ text, values: values.map(utcParameter), types: utcTimestamps });
  return result.rows as Row[];
}

// node-postgres would send a Date as local time, which a `timestamp` column keeps as is.
const utcParameter = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

/**
 * A statement on `client`: straight to the pool when `client` is the pool (readRows: what the hot
 * paths of sign-in use), else inside the transaction `client` is. The SQL must give the same
 * values both ways: cast every parameter whose type PostgreSQL cannot infer (`$1::timestamp`),
 * and every bigint result to int or text (the pool gives strings, Prisma BigInts).
 */
export async function queryRows<Row>(client: DbClient, text: string, values: unknown[]): Promise<Row[]> {
  if (client === database.client) return readRows<Row>(text, values);
  return (client as Tx).$queryRawUnsafe<Row[]>(text, ...values.map(utcParameter));
}

/**
 * Point reads by key for the credential check every authenticated request makes. Lookups made in
 * the same turn of the event loop go out together (DataLoader, dispatched on setImmediate) as one
 * statement whose `$1` is the array of keys, at most 100 per statement, so under load many requests
 * share one round trip's client-side cost, and a lone lookup waits only for the end of the current
 * turn. Nothing is cached: every lookup is sent after it was asked for, so a session or key revoked
 * a moment earlier, on any instance, is seen as revoked.
 * `text` must select `keyColumn`, whose values come back exactly as the keys were given. Callers
 * check a key's shape first: one that `$1`'s cast refuses would fail every lookup of its batch.
 */
export function batchedLookup<Row extends Record<string, unknown>>(
  text: string,
  keyColumn: keyof Row & string,
): (key: string) => Promise<Row | undefined> {
  const loader = new DataLoader<string, Row | undefined>(
    async (keys) => {
      const rows = await readRows<Row>(text, [[...new Set(keys)]]);
      const byKey = new Map(rows.map((row) => [String(row[keyColumn]), row]));
      return keys.map((key) => byKey.get(key));
    },
    { cache: false, maxBatchSize: 100, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
  );
  return (key) => loader.load(key);
}
