import { describe, expect, it, onTestFinished, vi } from "vitest";
import type pg from "pg";
import { authenticateApiKey, generateApiKey, hashApiKeySecret } from "@/lib/auth/api-access/api-keys";
import { db } from "@/lib/db";
import { enableApiKeys } from "../helpers/api-keys";
import { makeUser } from "../helpers/users";

/** Watches the pool lib/db keeps per process; `keyReads` counts the API-key lookups sent through it. */
function spyOnPoolQueries() {
  const pool = (globalThis as unknown as { lokdownDatabase: { pool: pg.Pool } }).lokdownDatabase.pool;
  const spy = vi.spyOn(pool, "query");
  onTestFinished(() => spy.mockRestore());
  const queries = () => spy.mock.calls.map(([query]) => query as { text?: string; name?: string });
  const keyReads = () => queries().filter((query) => query.text?.includes("FROM api_keys")).length;
  return { spy, keyReads, queries };
}

async function storedKey(userId: number) {
  const fresh = generateApiKey();
  await db.apiKey.create({
    data: { userId, name: "batch", prefix: fresh.lookup, secretHash: hashApiKeySecret(fresh.secret) },
  });
  return fresh.key;
}

describe("credential checks made in one turn of the event loop share one read", () => {
  it("sends one statement for all of them and gives each caller its own answer", async () => {
    enableApiKeys();
    const [alice, bob] = [await makeUser(), await makeUser()];
    const aliceKey = await storedKey(alice.id);
    const bobKey = await storedKey(bob.id);
    const unknownKey = generateApiKey().key;
    const queries = spyOnPoolQueries();

    const [a, b, again, unknown] = await Promise.all(
      [aliceKey, bobKey, aliceKey, unknownKey].map((key) => authenticateApiKey(key)),
    );

    expect(queries.keyReads()).toBe(1);
    // Unnamed: a named statement would not survive a transaction-mode pooler (PgBouncer) handing
    // the next query to another server connection.
    expect(queries.queries().filter((query) => query.name !== undefined)).toEqual([]);
    expect(a).toMatchObject({ ok: true, value: { userId: alice.id, username: alice.username } });
    expect(b).toMatchObject({ ok: true, value: { userId: bob.id, username: bob.username } });
    expect(again).toEqual(a);
    expect(unknown).toMatchObject({ ok: false, code: "api_key_invalid" });
  });

  it("splits a long queue into statements of at most 100 keys", async () => {
    enableApiKeys();
    const queries = spyOnPoolQueries();
    const results = await Promise.all(Array.from({ length: 150 }, () => authenticateApiKey(generateApiKey().key)));
    expect(queries.keyReads()).toBe(2);
    expect(results.every((r) => !r.ok && r.code === "api_key_invalid")).toBe(true);
  });

  it("a failed read fails every check of its batch, and the next check reads again", async () => {
    enableApiKeys();
    const user = await makeUser();
    const key = await storedKey(user.id);
    const queries = spyOnPoolQueries();
    queries.spy.mockRejectedValueOnce(new Error("Connection terminated unexpectedly") as never);

    const failed = await Promise.allSettled([authenticateApiKey(key), authenticateApiKey(generateApiKey().key)]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect((await authenticateApiKey(key)).ok).toBe(true);
  });

  it("a key revoked after one read is refused by the next", async () => {
    enableApiKeys();
    const user = await makeUser();
    const key = await storedKey(user.id);
    expect((await authenticateApiKey(key)).ok).toBe(true);
    await db.apiKey.updateMany({ where: { userId: user.id }, data: { revokedAt: new Date() } });
    expect(await authenticateApiKey(key)).toMatchObject({ ok: false, code: "api_key_invalid" });
  });
});
