import { codeFailure, type FormState } from "./form";

/**
 * Server actions are public endpoints: anyone can POST `Next-Action: <id>` with a body such as
 * `[{},null]`, and Next hands the decoded values to the action as its arguments. Each action asks
 * this first, in one line, so a hostile call is refused before anything reads or writes.
 */

/** The answer to arguments no form of ours sends (validation_error, a 400 in the API). */
export const INVALID_ACTION_INPUT: FormState = codeFailure("validation_error");

/**
 * True when the call is not what our forms send: `formData` is not a FormData, or a previous form
 * state the action reads (`states`) is not a plain object.
 */
export function isBadActionInput(formData: unknown, ...states: unknown[]): boolean {
  return !(formData instanceof FormData) || states.some((state) => typeof state !== "object" || state === null || Array.isArray(state));
}
