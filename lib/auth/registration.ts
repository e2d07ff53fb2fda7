import "server-only";
import { settings } from "@/lib/env";
import { fail, type Result } from "./errors";
import type { ClientInfo } from "./client";
import { checkAttempt } from "./rate-limit";
import { createUser, type CreatedUser, type NewUser } from "./users";

/** Public sign-up: only while LOKDOWN_SIGNUP_ENABLED, and rate-limited per IP like a password try. */
export async function registerUser(input: NewUser, client: ClientInfo, now = new Date()): Promise<Result<CreatedUser>> {
  if (!settings.signupEnabled) return fail("signup_disabled");
  const limited = await checkAttempt("password", { ip: client.ip }, now);
  if (!limited.ok) return limited;
  return createUser({ ...input, isStaff: false }, client);
}

export function signupOpen(): boolean {
  return settings.signupEnabled;
}
