import type { z } from "zod";
import { ERRORS, fail, type ErrorCode, type Failure } from "@/lib/auth/errors";
import { isStorableText } from "./fields";

/** What a server action hands back to its form (useActionState). */
export type FormState = {
  error?: string;
  fieldErrors?: Record<string, string[]>;
  /** The error's code, for clients that react to one (the step-up dialog opens on reauth_required). */
  code?: ErrorCode;
  /** Submitted values to refill the form (never passwords or codes). */
  values?: Record<string, string>;
};

/**
 * Reads named text fields of a form; anything else (files, missing) becomes "", and so does text
 * PostgreSQL cannot store (NUL, unpaired surrogates), which no browser form sends.
 */
export function formFields<K extends string>(formData: FormData, keys: readonly K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of keys) {
    const value = formData.get(key);
    out[key] = typeof value === "string" && isStorableText(value) ? value : "";
  }
  return out;
}

export function parseForm<S extends z.ZodType>(
  schema: S,
  input: Record<string, string>,
): { ok: true; value: z.output<S> } | { ok: false; state: FormState } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fieldErrors[issue.path.map(String).join(".")] ??= []).push(issue.message);
  return { ok: false, state: failureState(fail("form_invalid", { body: fieldErrors })) };
}

/** One field is wrong: the catalogue's form message, and the field's own message beside it. */
export function fieldFailure(field: string, message: string): FormState {
  return failureState(fail("form_invalid", { body: { [field]: [message] } }));
}

/** A failure with nothing but a catalogue code (the form shows its message). */
export function codeFailure(code: ErrorCode): FormState {
  return failureState(fail(code));
}

/** The catalogue's message for a failure; rate limits say when to try again. */
export function failureMessage(failure: Failure): string {
  const base = failure.message ?? ERRORS[failure.code].message;
  return failure.retryAfter ? `${base}. Try again in ${failure.retryAfter} s.` : base;
}

/** A failure as a form message. */
export function failureState(failure: Failure, values?: Record<string, string>): FormState {
  const error = failureMessage(failure);
  const fieldErrors: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(failure.body ?? {})) {
    if (Array.isArray(value)) fieldErrors[key] = value.map(String);
  }
  return { error, code: failure.code, fieldErrors, values };
}
