import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { accessTokenFor } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";
import { createKey, enableApiKeys, listKeys, meWithKey } from "../helpers/api-keys";

describe("the database holds no usable API key", () => {
  it("stores only a keyed hash of the secret, and nothing stored works as a key", async () => {
    enableApiKeys();
    const token = await accessTokenFor(await makeUser());
    const created = await Promise.all([createKey(token), createKey(token, { expires_in_days: 3 })]);

    const rows = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM api_keys`;
    const events = await db.$queryRaw<Record<string, unknown>[]>`SELECT * FROM security_events`;
    expect(rows).toHaveLength(2);
    const dump = JSON.stringify([rows, events], (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    for (const { api_key } of created) {
      const secret = api_key.split(".")[1] ?? "";
      expect(secret).toHaveLength(43);
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(api_key);
      // Not a plain digest either: the hash is keyed with AUTH_SECRET.
      expect(dump).not.toContain(createHash("sha256").update(secret).digest("hex"));
      expect(dump).not.toContain(createHash("sha256").update(api_key).digest("hex"));
    }
    for (const row of rows) {
      expect(String(row.secret_hash)).toMatch(/^[0-9a-f]{64}$/);
      const res = await meWithKey(`${String(row.prefix)}.${String(row.secret_hash)}`);
      expect(res.status).toBe(401);
    }

    // Listings never carry the key or its hash.
    const list = JSON.stringify((await listKeys(token)).json);
    for (const row of rows) expect(list).not.toContain(String(row.secret_hash));
    for (const { api_key } of created) expect(list).not.toContain(api_key);
    expect(Object.keys(((await listKeys(token)).json.api_keys as Record<string, unknown>[])[0] ?? {}).sort()).toEqual([
      "created_at",
      "expires_at",
      "id",
      "is_active",
      "last_used_at",
      "name",
      "prefix",
    ]);
  });
});
