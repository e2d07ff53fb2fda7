import { z } from "zod";

/**
 * Query and path parameters of the JSON API, for the endpoint declarations (lib/http/api-route.ts).
 * Query values are parsed with these; path parameters are described, and checked by the handler.
 */

/** A numeric database id in the path; anything else names no row (the handler's 404). */
export const numericId = (description: string) =>
  z
    .string()
    .regex(/^[0-9]+$/)
    .meta({ description });

/** Where a provider sign-in should return to. */
export const CallbackQuery = z.object({
  callback_url: z.string().optional().meta({
    description: "Where the provider flow should end (an allowed origin); default: this site's callback page.",
  }),
  next: z.string().optional().meta({ description: "Legacy alias of callback_url." }),
});

/** DELETE /api/auth/2fa/passkey/remove may name the credential here instead of in the body. */
export const PasskeyRemoveQuery = z.object({
  credential_id: z.string().optional().meta({ description: "base64url credential id." }),
});
