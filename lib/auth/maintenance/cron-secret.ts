import "server-only";
import { settings } from "@/lib/env";
import { fail, ok, type Result } from "../errors";
import { constantTimeEqual } from "../secrets";

/**
 * Who may trigger a cron route: whoever holds LOKDOWN_CRON_SECRET, compared in constant time.
 * Without the setting the route does not exist (404), so it cannot be probed.
 */
export function authorizeCronRequest(headers: Headers, secret = settings.cleanup.cronSecret): Result<void> {
  if (!secret) return fail("not_found");
  const match = /^Bearer (\S+)$/.exec(headers.get("authorization") ?? "");
  return match?.[1] && constantTimeEqual(match[1], secret) ? ok(undefined) : fail("not_authenticated");
}
