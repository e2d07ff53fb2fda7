import { z } from "zod";
import type { ApiKeySummary, CreatedApiKey } from "@/lib/auth/api-access/api-keys";
import { StepUpFields } from "./schemas";

/** Largest lifespan the API accepts (100 years); the configured maximum is checked in lib/auth. */
const MAX_DAYS = 36_500;

/** DRF IntegerField: a whole number or a string of one; null or absent means "never expires". */
const expiresInDays = z
  .unknown()
  .transform((value, ctx): number | undefined => {
    if (value === undefined || value === null) return undefined;
    const n =
      typeof value === "number"
        ? value
        : typeof value === "string" && /^\s*-?\d{1,12}\s*$/.test(value)
          ? Number(value)
          : NaN;
    if (!Number.isInteger(n)) {
      ctx.addIssue({ code: "custom", message: "A valid integer is required." });
      return z.NEVER;
    }
    if (n < 1) {
      ctx.addIssue({ code: "custom", message: "Ensure this value is greater than or equal to 1." });
      return z.NEVER;
    }
    if (n > MAX_DAYS) {
      ctx.addIssue({ code: "custom", message: `Ensure this value is less than or equal to ${MAX_DAYS}.` });
      return z.NEVER;
    }
    return n;
  })
  .optional();

/** Optional name, ≤255 characters, stored stripped; blank allowed. */
const name = z
  .string({ error: "Not a valid string." })
  .trim()
  .max(255, "Ensure this field has no more than 255 characters.")
  .nullish()
  .transform((v) => v ?? "");

/** POST /api/auth/api-keys: `{name, expires_in_days}` plus a step-up proof. */
export const CreateApiKeyBody = z.object({
  name: name.meta({ description: "Label, up to 255 characters." }),
  expires_in_days: expiresInDays.meta({
    description:
      "Whole number of days (1–36500), or a string of one; omit or null for a key that never expires (when allowed).",
  }),
  ...StepUpFields,
});

/** The `{id}` of DELETE /api/auth/api-keys/{id}: a positive 32-bit integer, else null (→ 404). */
export function parseApiKeyId(raw: unknown): number | null {
  if (typeof raw !== "string" || !/^[1-9]\d{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= 2_147_483_647 ? id : null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** A key in listings: metadata only, never the key or its hash. */
export const apiKeyJson = (k: ApiKeySummary) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  created_at: k.createdAt.toISOString(),
  last_used_at: iso(k.lastUsedAt),
  expires_at: iso(k.expiresAt),
  is_active: k.isActive,
});

/** The 201 answer: the only time the full key is ever sent. */
export const createdApiKeyJson = (k: CreatedApiKey) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  api_key: k.key,
  created_at: k.createdAt.toISOString(),
  expires_at: iso(k.expiresAt),
});
