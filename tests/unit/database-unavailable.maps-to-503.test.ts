import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, isUnstorableTextError } from "@/lib/http/route";

/** Shapes of the errors Prisma 7 with @prisma/adapter-pg throws when PostgreSQL is down or refuses text. */
const adapterError = (cause: Record<string, unknown>) =>
  Object.assign(new Error(String(cause.kind)), { name: "DriverAdapterError", cause });
const prismaError = (code: string, driverAdapterError?: Error) =>
  Object.assign(new Error("Invalid `db.user.findFirst()` invocation"), {
    code,
    meta: driverAdapterError ? { driverAdapterError } : {},
  });

describe("which errors mean the database is unavailable (503) rather than a bug (500)", () => {
  it("recognises a refused connection, a closed one, timeouts, a cancelled statement and a server shutting down", () => {
    for (const error of [
      prismaError("P2010", adapterError({ kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 })),
      prismaError("P2010", adapterError({ kind: "ConnectionClosed" })),
      prismaError("P2010", adapterError({ kind: "SocketTimeout" })),
      prismaError(
        "P2010",
        adapterError({
          kind: "postgres",
          code: "57P01",
          message: "terminating connection due to administrator command",
        }),
      ),
      prismaError("P1001"),
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      new Error("timeout exceeded when trying to connect"),
      new Error("outer", { cause: new Error("Connection terminated unexpectedly") }),
      prismaError(
        "P2010",
        adapterError({ kind: "postgres", code: "57014", message: "canceling statement due to statement timeout" }),
      ),
      Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014", severity: "ERROR" }),
    ]) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    }
  });

  it("does not treat ordinary failures as an outage", () => {
    for (const error of [
      prismaError("P2002"),
      prismaError("P2010", adapterError({ kind: "UniqueConstraintViolation" })),
      new TypeError("x is undefined"),
      null,
      "a string",
    ]) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(false);
    }
  });

  it("recognises text PostgreSQL refused (NUL, bad encoding) as the client's fault", () => {
    expect(isUnstorableTextError(prismaError("P2010", adapterError({ kind: "postgres", code: "22021" })))).toBe(true);
    expect(
      isUnstorableTextError(
        new Error('Database error. Code: `22021`. Message: `invalid byte sequence for encoding "UTF8": 0x00`'),
      ),
    ).toBe(true);
    expect(isUnstorableTextError(prismaError("P2002"))).toBe(false);
  });
});
