import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { db, type DbClient } from "@/lib/db";
import { settings } from "@/lib/env";
import { cookieAttributes, deleteCookie } from "@/lib/http/cookies";
import { randomToken, sha256Hex } from "../secrets";
import { clientFrom, type ClientInfo } from "../request/client";
import { keepSessionAlive, revokeSession } from "./tokens";
import { noteSignInDevice } from "../notices/security-mail";
import { startSession } from "./user-sessions";
import { trustBrowser, type TrustedBrowserCookie } from "../login/trusted-devices";
import { assuranceOf, type AssuranceLevel } from "../policy/session-assurance";

/**
 * Browser sessions: an opaque random cookie (httpOnly, SameSite=Lax, Secure in production, and
 * __Host- prefixed there so no subdomain can set it), stored server-side as a SHA-256 hash.
 */
const prefix = settings.production ? "__Host-" : "";
export const SESSION_COOKIE = `${prefix}lokdown_session`;
/** Holds the id of a pending login between the password page and the 2FA page. */
export const PENDING_LOGIN_COOKIE = `${prefix}lokdown_pending`;
/** Marks a browser the user chose to trust at the 2FA step (lib/auth/login/trusted-devices.ts). */
export const TRUSTED_BROWSER_COOKIE = `${prefix}lokdown_trusted`;

const cookieOptions = (name: string, expires: Date) => ({ ...cookieAttributes(name), expires });

export type WebSessionToken = { token: string; expiresAt: Date; userId: number; sessionId: string };

/** A SessionIssuer for the web: creates the server-side record; the caller sets the cookie. */
export async function issueWebSession(
  client: DbClient,
  input: { userId: number; amr: string[]; client: ClientInfo },
  now = new Date(),
): Promise<WebSessionToken> {
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + settings.webSessionDays * 86_400_000);
  const { sessionId, earlierAgents } = await startSession(
    client,
    {
      userId: input.userId,
      kind: "web",
      amr: input.amr,
      client: input.client,
      expiresAt,
      webTokenHash: sha256Hex(token),
    },
    now,
  );
  await noteSignInDevice(
    client,
    { userId: input.userId, sessionId, amr: input.amr, client: input.client, earlierAgents },
    now,
  );
  return { token, expiresAt, userId: input.userId, sessionId };
}

/** Signs the browser in. `keepPending` leaves the pending-login cookie for a page that still shows its result. */
export async function setSessionCookie(
  session: WebSessionToken,
  options: { keepPending?: boolean } = {},
): Promise<void> {
  const jar = await cookies();
  jar.set(SESSION_COOKIE, session.token, cookieOptions(SESSION_COOKIE, session.expiresAt));
  if (!options.keepPending) await deleteCookie(PENDING_LOGIN_COOKIE);
}

export async function setPendingLoginCookie(loginSessionId: string): Promise<void> {
  (await cookies()).set(
    PENDING_LOGIN_COOKIE,
    loginSessionId,
    cookieOptions(PENDING_LOGIN_COOKIE, new Date(Date.now() + settings.loginSessionMinutes * 60_000)),
  );
}

export async function readPendingLoginCookie(): Promise<string | null> {
  return (await cookies()).get(PENDING_LOGIN_COOKIE)?.value ?? null;
}

export async function clearPendingLoginCookie(): Promise<void> {
  await deleteCookie(PENDING_LOGIN_COOKIE);
}

export async function setTrustedBrowserCookie(trust: TrustedBrowserCookie): Promise<void> {
  (await cookies()).set(TRUSTED_BROWSER_COOKIE, trust.value, cookieOptions(TRUSTED_BROWSER_COOKIE, trust.expiresAt));
}

/**
 * After a second factor, when the user ticked "don't ask again on this browser": records the
 * browser and sets its cookie. trustBrowser refuses (and nothing is set) where it may not apply.
 */
export async function rememberTrustedBrowser(session: WebSessionToken, client: ClientInfo): Promise<void> {
  const trust = await trustBrowser({ userId: session.userId, sessionId: session.sessionId }, client);
  if (trust.ok) await setTrustedBrowserCookie(trust.value);
}

/** The trusted-browser cookie, for the password step to pass on to beginSignIn. */
export async function readTrustedBrowserCookie(): Promise<string | null> {
  return (await cookies()).get(TRUSTED_BROWSER_COOKIE)?.value ?? null;
}

/** The signed-in browser user, as a small DTO; never the database row. */
export type WebUser = {
  id: number;
  username: string;
  email: string;
  isStaff: boolean;
  sessionId: string;
  amr: string[];
  reauthAt: Date;
  /** From the session's per-factor times (lib/auth/policy/session-assurance.ts). */
  assurance: AssuranceLevel;
};

/** One lookup per request (React cache): who is signed in, or null. */
export const getWebUser = cache(async (): Promise<WebUser | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  const session = await db.authSession.findUnique({
    where: { webTokenHash: sha256Hex(token) },
    select: {
      id: true,
      amr: true,
      reauthAt: true,
      passwordAt: true,
      providerAt: true,
      totpAt: true,
      passkeyAt: true,
      backupCodeAt: true,
      revokedAt: true,
      expiresAt: true,
      lastSeenAt: true,
      user: { select: { id: true, username: true, email: true, isStaff: true, isActive: true } },
    },
  });
  const now = new Date();
  if (!session || session.revokedAt || session.expiresAt <= now || !session.user.isActive) return null;
  if (!(await keepSessionAlive(session.id, session.lastSeenAt, now))) return null;
  const { user } = session;
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    isStaff: user.isStaff,
    sessionId: session.id,
    amr: session.amr,
    reauthAt: session.reauthAt,
    assurance: assuranceOf(session),
  };
});

export async function endWebSession(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token) {
    const session = await db.authSession.findUnique({
      where: { webTokenHash: sha256Hex(token) },
      select: { id: true },
    });
    if (session) await revokeSession(session.id, "logout");
  }
  await deleteCookie(SESSION_COOKIE);
}

/** Client info of the current request, for server actions and server components. */
export async function currentClient(): Promise<ClientInfo> {
  return clientFrom(await headers());
}
