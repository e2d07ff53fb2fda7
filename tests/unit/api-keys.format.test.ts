import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKeySecret, parseApiKey, resolveApiKeyExpiry } from "@/lib/auth/api-access/api-keys";

const SECRET = "A".repeat(21) + "b_-" + "9".repeat(19);

describe("API key format", () => {
  it("generates <prefix><8 hex>.<43-char base64url of 32 bytes> that parses back", () => {
    const keys = Array.from({ length: 50 }, () => generateApiKey("lk_"));
    for (const { key, lookup, secret } of keys) {
      expect(key).toMatch(/^lk_[0-9a-f]{8}\.[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, "base64url")).toHaveLength(32);
      expect(parseApiKey(key, "lk_")).toEqual({ lookup, secret });
    }
    expect(new Set(keys.map((k) => k.secret)).size).toBe(50);
  });

  it("splits at the first dot and checks both halves", () => {
    expect(parseApiKey(`lk_0123abcd.${SECRET}`, "lk_")).toEqual({ lookup: "lk_0123abcd", secret: SECRET });
    for (const bad of [
      "",
      "lk_0123abcd",
      `lk_0123abcd${SECRET}`,
      `lk_0123abcd.`,
      `.${SECRET}`,
      `lk_0123ABCD.${SECRET}`,
      `lk_0123abc.${SECRET}`,
      `lk_0123abcde.${SECRET}`,
      `xx_0123abcd.${SECRET}`,
      `lk0123abcd.${SECRET}`,
      `lk_0123abcd.${SECRET}x`,
      `lk_0123abcd.${SECRET.slice(1)}`,
      `lk_0123abcd.${SECRET.slice(1)}=`,
      `lk_0123abcd.${SECRET.slice(1)}+`,
      `lk_0123abcd.${SECRET}.more`,
      ` lk_0123abcd.${SECRET}`,
    ]) {
      expect(parseApiKey(bad, "lk_"), bad).toBeNull();
    }
  });

  it("honours the configured prefix literally, regular-expression characters included", () => {
    expect(parseApiKey(`my-app_0123abcd.${SECRET}`, "my-app_")?.lookup).toBe("my-app_0123abcd");
    expect(parseApiKey(`lk_0123abcd.${SECRET}`, "my-app_")).toBeNull();
    expect(generateApiKey("acme-").key.startsWith("acme-")).toBe(true);
  });

  it("hashes the secret with a keyed HMAC-SHA-256 (hex), deterministically", () => {
    expect(hashApiKeySecret(SECRET)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKeySecret(SECRET)).toBe(hashApiKeySecret(SECRET));
    expect(hashApiKeySecret(SECRET)).not.toBe(hashApiKeySecret(SECRET.replace("b", "c")));
  });
});

describe("API key lifespan rules", () => {
  const now = new Date("2030-01-01T00:00:00Z");
  const open = { allowIndefinite: true, maxLifespanDays: null };

  it("computes now + days", () => {
    const result = resolveApiKeyExpiry(30, now, open);
    expect(result).toEqual({ ok: true, value: new Date("2030-01-31T00:00:00Z") });
  });

  it("allows no expiry only when indefinite keys are allowed and there is no maximum", () => {
    expect(resolveApiKeyExpiry(undefined, now, open)).toEqual({ ok: true, value: null });
    expect(resolveApiKeyExpiry(undefined, now, { allowIndefinite: false, maxLifespanDays: null })).toMatchObject({
      ok: false,
      code: "api_key_indefinite_disabled",
    });
    expect(resolveApiKeyExpiry(undefined, now, { allowIndefinite: true, maxLifespanDays: 90 })).toMatchObject({
      ok: false,
      code: "api_key_indefinite_disabled",
    });
  });

  it("refuses more days than the maximum, and nonsense", () => {
    const capped = { allowIndefinite: true, maxLifespanDays: 30 };
    expect(resolveApiKeyExpiry(30, now, capped).ok).toBe(true);
    expect(resolveApiKeyExpiry(31, now, capped)).toMatchObject({ ok: false, code: "api_key_lifespan_exceeded" });
    for (const days of [0, -1, 1.5, Number.NaN, 36_501, Number.POSITIVE_INFINITY]) {
      expect(resolveApiKeyExpiry(days, now, open), String(days)).toMatchObject({ ok: false, code: "validation_error" });
    }
  });
});

describe("API key ids in paths", () => {
  it("accepts positive 32-bit integers only", async () => {
    const { parseApiKeyId } = await import("@/lib/http/api-key-schemas");
    expect(parseApiKeyId("1")).toBe(1);
    expect(parseApiKeyId("2147483647")).toBe(2_147_483_647);
    for (const raw of ["0", "01", "-1", "1.0", "1e3", " 1", "2147483648", "99999999999", "abc", "", undefined, 7]) {
      expect(parseApiKeyId(raw), String(raw)).toBeNull();
    }
  });
});
