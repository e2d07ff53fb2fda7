import "server-only";
import { settings } from "@/lib/env";
import { fail, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { sendEmailVerification } from "./email-verification";
import { checkAttempt } from "../rate-limit";
import { createUser, type CreatedUser, type NewUser } from "./users";

/**
 * Public sign-up: only while LOKDOWN_SIGNUP_ENABLED, and rate-limited per IP like a password try.
 * The new account's address is unverified until the owner opens the link mailed here.
 */
export async function registerUser(input: NewUser, client: ClientInfo, now = new Date()): Promise<Result<CreatedUser>> {
  if (!settings.signupEnabled) return fail("signup_disabled");
  const limited = await checkAttempt("password", { ip: client.ip }, now);
  if (!limited.ok) return limited;
  const created = await createUser({ ...input, isStaff: false }, client);
  if (created.ok) await sendEmailVerification(created.value.id, client, now);
  return created;
}

export function signupOpen(): boolean {
  return settings.signupEnabled;
}
