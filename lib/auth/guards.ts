import "server-only";
import { redirect } from "next/navigation";
import { getWebUser, type WebUser } from "./web-session";
import type { AccountActor } from "./account-security";

/** Only same-site relative paths may be used as a return URL (no open redirects). */
export function safeReturnPath(value: unknown, fallback = "/account"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  try {
    const url = new URL(value, "http://internal.invalid");
    return url.origin === "http://internal.invalid" ? `${url.pathname}${url.search}` : fallback;
  } catch {
    return fallback;
  }
}

/** For pages and actions that need a signed-in user: sends everyone else to sign-in. */
export async function requireWebUser(returnTo = "/account"): Promise<WebUser> {
  const user = await getWebUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(safeReturnPath(returnTo))}`);
  return user;
}

export function actorOf(user: WebUser): AccountActor {
  return { userId: user.id, username: user.username, isStaff: user.isStaff, sessionId: user.sessionId };
}
