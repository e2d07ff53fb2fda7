import { describe, expect, it } from "vitest";
import { checkTotpCode, totpCodeAt } from "@/lib/auth/two-factor/totp";

/**
 * Issue 15.13: the stored last-used step can be ahead of this server's clock (instances that
 * disagree on time, or a clock stepped back). That is a wrong code, never an exception.
 */
const SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const STEP_MS = 30_000;
const NOW = new Date(Date.UTC(2030, 0, 1, 12, 0, 10));
const STEP = Math.floor(NOW.getTime() / STEP_MS);

describe("a used step ahead of the clock", () => {
  it.each([1, 2, 10, 10_000])("afterStep = now + %i steps: every code is invalid, nothing throws", async (ahead) => {
    for (const offset of [-1, 0, 1]) {
      const code = await totpCodeAt(SECRET, new Date(NOW.getTime() + offset * STEP_MS));
      await expect(checkTotpCode(SECRET, code, NOW, STEP + ahead)).resolves.toEqual({ valid: false });
    }
  });

  it("a step that is not a safe integer is refused too", async () => {
    const code = await totpCodeAt(SECRET, NOW);
    await expect(checkTotpCode(SECRET, code, NOW, Number.MAX_SAFE_INTEGER + 2)).resolves.toEqual({ valid: false });
  });

  it("once the clock has caught up, the next fresh step is accepted again", async () => {
    const later = new Date(NOW.getTime() + 3 * STEP_MS);
    const code = await totpCodeAt(SECRET, later);
    expect(await checkTotpCode(SECRET, code, later, STEP + 2)).toEqual({ valid: true, step: STEP + 3 });
  });
});
