import { z } from "zod";

/** Field schemas with DRF's messages, so django-lokdown clients see the errors they expect. */
const typeError = (expected: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? "This field is required." : issue.input === null ? "This field may not be null." : `Not a valid ${expected}.`;

/** A required, trimmed, non-blank string. */
export const requiredText = (max = 255) =>
  z
    .string({ error: typeError("string") })
    .trim()
    .min(1, "This field may not be blank.")
    .max(max, `Ensure this field has no more than ${max} characters.`);

/** A required string kept exactly as sent (passwords). */
export const secretText = (max = 1024) =>
  z
    .string({ error: typeError("string") })
    .min(1, "This field may not be blank.")
    .max(max, `Ensure this field has no more than ${max} characters.`);

/** An optional string where blank means absent. */
export const optionalText = (max = 255) =>
  z
    .string({ error: typeError("string") })
    .max(max, `Ensure this field has no more than ${max} characters.`)
    .nullish()
    .transform((v) => (v === null || v === undefined || v.trim() === "" ? undefined : v.trim()));
