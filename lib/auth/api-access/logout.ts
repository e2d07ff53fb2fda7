import "server-only";
import { fail, ok, type Result } from "../errors";
import type { ClientInfo } from "../request/client";
import { recordSecurityEvent } from "../audit";
import { decodeAccessToken, revokeRefreshFamily, revokeSession } from "../sessions/tokens";

/** Ends an API session, identified by a refresh token or a (possibly expired-soon) access token. */
export async function endApiSession(
  input: { refresh?: string; authorization: string | null },
  client: ClientInfo,
): Promise<Result<void>> {
  if (input.refresh) {
    const revoked = await revokeRefreshFamily(input.refresh);
    if (revoked) await recordSecurityEvent({ type: "logout", userId: revoked.userId, client });
    return ok(undefined);
  }
  const [scheme, token] = (input.authorization ?? "").trim().split(/\s+/);
  if (scheme?.toLowerCase() === "bearer" && token) {
    const claims = await decodeAccessToken(token);
    if (!claims) return fail("token_not_valid");
    await revokeSession(claims.sessionId, "logout");
    await recordSecurityEvent({ type: "logout", userId: claims.userId, client });
    return ok(undefined);
  }
  return fail("validation_error", {
    message: "refresh: This field is required.",
    body: { refresh: ["This field is required."] },
  });
}
