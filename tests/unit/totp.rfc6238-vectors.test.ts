import { describe, expect, it } from "vitest";
import { generateTotpSecret, totpCodeAt, totpProvisioningUri } from "@/lib/auth/two-factor/totp";

/** RFC 6238 Appendix B, SHA-1 column: the secret is the ASCII string "12345678901234567890". */
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const VECTORS: [seconds: number, code: string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238 test vectors, SHA-1)", () => {
  it("encodes the RFC secret as the base32 of its ASCII bytes", () => {
    expect(Buffer.from("12345678901234567890").toString("hex")).toBe("3132333435363738393031323334353637383930");
    expect(RFC_SECRET).toHaveLength(32);
  });

  it.each(VECTORS)("at T=%i produces %s", async (seconds, code) => {
    expect(await totpCodeAt(RFC_SECRET, new Date(seconds * 1000), 8)).toBe(code);
  });

  it("6-digit codes are the last six digits of the 8-digit value", async () => {
    for (const [seconds, code] of VECTORS) {
      expect(await totpCodeAt(RFC_SECRET, new Date(seconds * 1000))).toBe(code.slice(-6));
    }
  });

  it("the same 30-second step gives the same code, the next step a different one", async () => {
    const start = new Date(1111111110 * 1000); // a step boundary (37037037 * 30)
    const code = await totpCodeAt(RFC_SECRET, start);
    expect(await totpCodeAt(RFC_SECRET, new Date(start.getTime() + 29_999))).toBe(code);
    expect(await totpCodeAt(RFC_SECRET, new Date(start.getTime() + 30_000))).not.toBe(code);
  });

  it("generates 160-bit base32 secrets, different every time", () => {
    const a = generateTotpSecret();
    const b = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(a).not.toBe(b);
  });

  it("spells out the algorithm, digits and period in the provisioning URI", () => {
    const uri = new URL(totpProvisioningUri(RFC_SECRET, "alice@example.com"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toMatch(/^\/[^:]+:alice@example\.com$/);
    expect(uri.searchParams.get("secret")).toBe(RFC_SECRET);
    expect(uri.searchParams.get("issuer")).toBeTruthy();
    expect(uri.searchParams.get("algorithm")).toBe("SHA1");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });
});
