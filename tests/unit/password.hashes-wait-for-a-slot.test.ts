import { afterEach, describe, expect, it, vi } from "vitest";

// The argon2 binding replaced by one whose calls finish only when the test says so.
const pending: { resolve: (value: boolean) => void }[] = [];
vi.mock("@node-rs/argon2", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@node-rs/argon2")>()),
  verify: () => new Promise<boolean>((resolve) => pending.push({ resolve })),
}));

const STORED = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

/** Lets every promise callback that is ready run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  pending.length = 0;
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe("password hashes wait for a slot", () => {
  it("runs one per CPU at most, leaving a libuv pool thread free; the rest start in arrival order as slots free", async () => {
    const { HASH_SLOTS, verifyPassword } = await import("@/lib/auth/password/password");
    const calls = HASH_SLOTS + 3;
    const finished: number[] = [];
    const all = Array.from({ length: calls }, async (_, i) => {
      const ok = await verifyPassword(`password ${i}`, STORED);
      finished.push(i);
      return ok;
    });
    await settle();
    expect(pending).toHaveLength(HASH_SLOTS);

    for (let done = 0; done < calls; done++) {
      pending[done]?.resolve(true);
      await settle();
      // Each finished hash lets exactly one waiting hash start, never more.
      expect(pending).toHaveLength(Math.min(calls, HASH_SLOTS + done + 1));
    }
    expect(await Promise.all(all)).toEqual(Array(calls).fill(true));
    expect(finished).toEqual([...Array(calls).keys()]);
  });

  it("counts libuv's pool: with UV_THREADPOOL_SIZE=2, one hash at a time", async () => {
    vi.stubEnv("UV_THREADPOOL_SIZE", "2");
    const { HASH_SLOTS } = await import("@/lib/auth/password/password");
    expect(HASH_SLOTS).toBe(1);
  });

  it("frees its slot when a hash fails", async () => {
    const { HASH_SLOTS, verifyPassword } = await import("@/lib/auth/password/password");
    const first = Array.from({ length: HASH_SLOTS }, () => verifyPassword("x", STORED));
    await settle();
    // Every running hash fails (the binding throws on a stored value it cannot read).
    for (const call of pending.splice(0)) call.resolve(Promise.reject(new Error("bad hash")) as unknown as boolean);
    expect(await Promise.all(first)).toEqual(Array(HASH_SLOTS).fill(false));
    const next = verifyPassword("y", STORED);
    await settle();
    expect(pending).toHaveLength(1);
    pending[0]?.resolve(true);
    expect(await next).toBe(true);
  });
});
