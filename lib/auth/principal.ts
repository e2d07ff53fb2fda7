import "server-only";
import { fail, ok, type Result } from "./errors";
import { verifyAccessToken } from "./tokens";

/** Who is calling the JSON API, and with what kind of credential. */
export type Principal = {
  kind: "access_token";
  userId: number;
  username: string;
  isStaff: boolean;
  /** The session (refresh-token family) the access token belongs to. */
  sessionId: string;
  amr: string[];
};

/** Resolves `Authorization: Bearer <access token>` to a principal. */
export async function authenticateRequest(request: Request, now = new Date()): Promise<Result<Principal>> {
  const header = request.headers.get("authorization");
  if (!header) return fail("not_authenticated");
  const [scheme, credential, ...rest] = header.trim().split(/\s+/);
  if (!scheme || !credential || rest.length > 0 || scheme.toLowerCase() !== "bearer") return fail("not_authenticated");
  const verified = await verifyAccessToken(credential, now);
  if (!verified.ok) return verified;
  const { userId, username, isStaff, sessionId, amr } = verified.value;
  return ok({ kind: "access_token", userId, username, isStaff, sessionId, amr });
}
