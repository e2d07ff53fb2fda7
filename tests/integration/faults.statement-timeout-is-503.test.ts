import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/http/route";

// The pool cancels statements after statement_timeout; the error Prisma then throws must read as an
// outage (503 with Retry-After), not as a bug (500). A short local timeout stands in for the real one.
describe("a statement PostgreSQL cancels for taking too long", () => {
  it("is reported as the database being unavailable", async () => {
    const error = await db
      .$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL statement_timeout = 20`;
        await tx.$queryRaw`SELECT pg_sleep(1)`;
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).not.toBeNull();
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});
