import { fail } from "@/lib/auth/errors";
import { errorResponse } from "./respond";
import { UNSTORABLE_TEXT_MESSAGE } from "./fields";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
const UNAVAILABLE_TEXT = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|terminating connection/i;

/** A database that cannot be reached is a 503 with Retry-After, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && UNAVAILABLE_TEXT.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * PostgreSQL refused text a client sent (a NUL or bad encoding in a query string or path segment
 * that no schema checked): the client's fault, so a 400, not a 500.
 */
export function isUnstorableTextError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    if (code === "22021" || code === "22P05") return true;
    if (typeof message === "string" && /Code: `(22021|22P05)`|invalid byte sequence for encoding/.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Wraps a route handler: unexpected errors become a JSON 500 (or 503) without internals. */
export function route<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        console.error("[lokdown] database unavailable:", (error as Error).message);
        return errorResponse(fail("database_unavailable", { retryAfter: 5 }));
      }
      if (isUnstorableTextError(error)) return errorResponse(fail("validation_error", { message: UNSTORABLE_TEXT_MESSAGE }));
      console.error("[lokdown] unexpected error in", new URL(request.url).pathname, error);
      return errorResponse(fail("internal_error"));
    }
  };
}

const notAllowed = (allowed: string) => async () =>
  errorResponse(fail("method_not_allowed", { message: `Method not allowed; use ${allowed}` }), { allow: allowed });

/** JSON 405 answers for the methods a route does not implement. */
export function otherMethods(allowed: string) {
  const handler = notAllowed(allowed);
  return { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler };
}
