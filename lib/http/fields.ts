import { z } from "zod";

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text PostgreSQL can store as sent: no NUL (a text column refuses it, error 22021) and no unpaired
 * UTF-16 surrogate (it has no UTF-8 form; the driver would silently store U+FFFD instead).
 */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && !UNPAIRED_SURROGATE.test(value);
}

export const UNSTORABLE_TEXT_MESSAGE = "Text must not contain NUL characters or unpaired surrogates.";

/** DRF's field messages, for the forms that check a field by hand. */
export const FIELD_MESSAGES = {
  blank: "This field may not be blank.",
  tooLong: (max: number): string => `Ensure this field has no more than ${max} characters.`,
  passwordsDiffer: "The two passwords do not match.",
} as const;

/** Field schemas with DRF's messages, so django-lokdown clients see the errors they expect. */
const typeError = (expected: string) => (issue: { input: unknown }) =>
  issue.input === undefined
    ? "This field is required."
    : issue.input === null
      ? "This field may not be null."
      : `Not a valid ${expected}.`;

/** A required, trimmed, non-blank string. */
export const requiredText = (max = 255) =>
  z
    .string({ error: typeError("string") })
    .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE)
    .trim()
    .min(1, FIELD_MESSAGES.blank)
    .max(max, FIELD_MESSAGES.tooLong(max));

/** A required string kept exactly as sent (passwords). */
export const secretText = (max = 1024) =>
  z
    .string({ error: typeError("string") })
    .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE)
    .min(1, FIELD_MESSAGES.blank)
    .max(max, FIELD_MESSAGES.tooLong(max));

/** An optional string where blank means absent. */
export const optionalText = (max = 255) =>
  z
    .string({ error: typeError("string") })
    .refine(isStorableText, UNSTORABLE_TEXT_MESSAGE)
    .max(max, FIELD_MESSAGES.tooLong(max))
    .nullish()
    .transform((v) => (v === null || v === undefined || v.trim() === "" ? undefined : v.trim()));
