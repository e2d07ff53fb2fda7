import { describe, expect, it } from "vitest";
import { checkTotpCode, totpCodeAt } from "@/lib/auth/two-factor/totp";

const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const STEP_MS = 30_000;
/** 12:00:10 into a step, so "now" is not on a boundary. */
const NOW = new Date(Date.UTC(2030, 0, 1, 12, 0, 10));
const STEP = Math.floor(NOW.getTime() / STEP_MS);
const at = (steps: number) => new Date(NOW.getTime() + steps * STEP_MS);

describe("checkTotpCode drift window", () => {
  it.each([-1, 0, 1])("accepts the code of step %i relative to now and reports that step", async (offset) => {
    const code = await totpCodeAt(SECRET, at(offset));
    expect(await checkTotpCode(SECRET, code, NOW, null)).toEqual({ valid: true, step: STEP + offset });
  });

  it.each([-2, 2, -3, 3])("refuses the code of step %i relative to now", async (offset) => {
    const code = await totpCodeAt(SECRET, at(offset));
    // A code of a distant step may collide with a near one by chance (1 in 10^6); rule that out.
    const near = await Promise.all([-1, 0, 1].map((o) => totpCodeAt(SECRET, at(o))));
    expect(near).not.toContain(code);
    expect(await checkTotpCode(SECRET, code, NOW, null)).toEqual({ valid: false });
  });

  it("holds ±1 step at both edges of the current step", async () => {
    const startOfStep = new Date(STEP * STEP_MS);
    const endOfStep = new Date((STEP + 1) * STEP_MS - 1);
    for (const now of [startOfStep, endOfStep]) {
      const prev = await totpCodeAt(SECRET, new Date(now.getTime() - STEP_MS));
      const next = await totpCodeAt(SECRET, new Date(now.getTime() + STEP_MS));
      const twoBack = await totpCodeAt(SECRET, new Date(now.getTime() - 2 * STEP_MS));
      expect((await checkTotpCode(SECRET, prev, now, null)).valid).toBe(true);
      expect((await checkTotpCode(SECRET, next, now, null)).valid).toBe(true);
      expect((await checkTotpCode(SECRET, twoBack, now, null)).valid).toBe(false);
    }
  });

  it("refuses anything that is not exactly six digits", async () => {
    const code = await totpCodeAt(SECRET, NOW);
    for (const bad of [
      "",
      "12345",
      "1234567",
      `${code} `,
      ` ${code}`,
      "abcdef",
      "12 345",
      await totpCodeAt(SECRET, NOW, 8),
    ]) {
      expect(await checkTotpCode(SECRET, bad, NOW, null)).toEqual({ valid: false });
    }
  });

  it("refuses a code made from another secret", async () => {
    const other = await totpCodeAt("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", NOW);
    const own = await Promise.all([-1, 0, 1].map((o) => totpCodeAt(SECRET, at(o))));
    expect(own).not.toContain(other);
    expect((await checkTotpCode(SECRET, other, NOW, null)).valid).toBe(false);
  });
});

describe("checkTotpCode replay refusal (afterStep)", () => {
  it("refuses the code of the step that was last accepted", async () => {
    const code = await totpCodeAt(SECRET, NOW);
    const first = await checkTotpCode(SECRET, code, NOW, null);
    expect(first).toEqual({ valid: true, step: STEP });
    expect(await checkTotpCode(SECRET, code, NOW, STEP)).toEqual({ valid: false });
  });

  it("refuses earlier steps still inside the drift window", async () => {
    const previous = await totpCodeAt(SECRET, at(-1));
    expect(await checkTotpCode(SECRET, previous, NOW, STEP)).toEqual({ valid: false });
    expect(await checkTotpCode(SECRET, previous, NOW, STEP - 1)).toEqual({ valid: false });
  });

  it("accepts a later step after an earlier one was used", async () => {
    const next = await totpCodeAt(SECRET, at(1));
    expect(await checkTotpCode(SECRET, next, NOW, STEP)).toEqual({ valid: true, step: STEP + 1 });
    const current = await totpCodeAt(SECRET, NOW);
    expect(await checkTotpCode(SECRET, current, NOW, STEP - 1)).toEqual({ valid: true, step: STEP });
  });
});
