import { fail } from "@/lib/auth/errors";
import { errorResponse } from "./respond";
import { UNSTORABLE_TEXT_MESSAGE } from "./fields";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

// Prisma's connection errors, and PostgreSQL's connection-exception, shutdown and statement-timeout
// (57014: the pool's statement_timeout cancelled a query stuck behind an overloaded server) SQLSTATEs.
const UNAVAILABLE_CODES = new Set([
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
  "P2028",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "57014",
  "57P01",
  "57P02",
  "57P03",
]);
// The driver adapter's error kinds (@prisma/adapter-pg) for a server that is down or gone.
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNAVAILABLE_TEXT =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|terminating connection|DatabaseNotReachable|ConnectionClosed|SocketTimeout/i;

/** The error, its causes and the driver adapter error Prisma attaches under meta (P2010 and the like). */
function* errorChain(error: unknown): Generator<Record<string, unknown>> {
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 10; seen++) {
    const e = queue.shift();
    if (!e || typeof e !== "object") continue;
    const record = e as Record<string, unknown>;
    yield record;
    queue.push(record.cause, (record.meta as Record<string, unknown> | undefined)?.driverAdapterError);
  }
}

/** A database that cannot be reached is a 503 with Retry-After, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of errorChain(error)) {
    if (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.kind === "string" && UNAVAILABLE_KINDS.has(e.kind)) return true;
    if (typeof e.message === "string" && UNAVAILABLE_TEXT.test(e.message)) return true;
  }
  return false;
}

/**
 * PostgreSQL refused text a client sent (a NUL or bad encoding in a query string or path segment
 * that no schema checked): the client's fault, so a 400, not a 500.
 */
export function isUnstorableTextError(error: unknown): boolean {
  for (const e of errorChain(error)) {
    if (e.code === "22021" || e.code === "22P05") return true;
    if (typeof e.message === "string" && /Code: `(22021|22P05)`|invalid byte sequence for encoding/.test(e.message))
      return true;
  }
  return false;
}

/**
 * Wraps a route handler: unexpected errors become a JSON 500 (or 503) without internals. Every
 * apiRoute() endpoint (./api-route.ts) runs inside it; use it directly only outside the JSON API.
 */
export function route<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        console.error("[lokdown] database unavailable:", (error as Error).message);
        return errorResponse(fail("database_unavailable", { retryAfter: 5 }));
      }
      if (isUnstorableTextError(error))
        return errorResponse(fail("validation_error", { message: UNSTORABLE_TEXT_MESSAGE }));
      console.error("[lokdown] unexpected error in", new URL(request.url).pathname, error);
      return errorResponse(fail("internal_error"));
    }
  };
}

/** The JSON 405 for a method a route does not implement; `allowed` is the Allow header ("GET, POST"). */
export const methodNotAllowed = (allowed: string) => async () =>
  errorResponse(fail("method_not_allowed", { message: `Method not allowed; use ${allowed}` }), { allow: allowed });

/** JSON 405 answers for the methods a route outside apiRoute() does not implement. */
export function otherMethods(allowed: string) {
  const handler = methodNotAllowed(allowed);
  return { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler };
}
