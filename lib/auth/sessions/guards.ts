import "server-only";
import { redirect } from "next/navigation";
import { getWebUser, type WebUser } from "./web-session";
import type { AccountActor } from "../two-factor/account-security";
import { safeReturnPath } from "../request/return-path";

// Every caller that accepts a return path imports it from here (or ../request/return-path, the pure module).
export { safeReturnPath };

/** For pages and actions that need a signed-in user: sends everyone else to sign-in. */
export async function requireWebUser(returnTo = "/account"): Promise<WebUser> {
  const user = await getWebUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(safeReturnPath(returnTo))}`);
  return user;
}

export function actorOf(user: WebUser): AccountActor {
  return { userId: user.id, username: user.username, isStaff: user.isStaff, sessionId: user.sessionId };
}
