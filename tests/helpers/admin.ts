import { db } from "@/lib/db";
import { AMR } from "@/lib/auth/policy/amr";
import { sha256Hex } from "@/lib/auth/secrets";
import { issueWebSession, SESSION_COOKIE } from "@/lib/auth/sessions/web-session";
import { newClient, type Client } from "./http";
import { newRequest, setCookie } from "./next-request";

export const WITH_MFA = [AMR.password, AMR.totp, AMR.multiFactor];
export const PASSWORD_ONLY = [AMR.password];

/**
 * Starts a request context signed in as `userId` with a browser session carrying `amr`, as if the
 * session cookie came with the request. Returns the session id.
 */
export async function signInBrowser(
  userId: number,
  amr: string[],
  client: Client = newClient(),
): Promise<{ sessionId: string; client: Client }> {
  newRequest(client);
  const session = await issueWebSession(db, { userId, amr, client });
  setCookie(SESSION_COOKIE, session.token);
  const row = await db.authSession.findUniqueOrThrow({
    where: { webTokenHash: sha256Hex(session.token) },
    select: { id: true },
  });
  return { sessionId: row.id, client };
}
