import "server-only";
import { notFound, redirect } from "next/navigation";
import { settings } from "@/lib/env";
import { safeReturnPath } from "../sessions/guards";
import { getWebUser, type WebUser } from "../sessions/web-session";

export const ADMIN_HOME = "/admin";
export const ADMIN_VERIFY = "/admin/verify";

export type StaffAccess =
  | { kind: "allowed"; user: WebUser }
  | { kind: "signed_out" }
  | { kind: "not_staff" }
  | { kind: "needs_second_factor"; user: WebUser };

/**
 * Pure: may this web user use the admin area? Staff only, and under ADMIN_2FA_REQUIRED only with a
 * session that passed a second factor itself (a session made by any other path, or before the
 * user became staff, does not count: django-lokdown enforced 2FA only at its admin login view).
 */
export function decideStaffAccess(
  user: WebUser | null,
  admin2faRequired: boolean = settings.admin2faRequired,
): StaffAccess {
  if (!user) return { kind: "signed_out" };
  if (!user.isStaff) return { kind: "not_staff" };
  // The session's assurance (lib/auth/policy/session-assurance.ts), as the policy reads it: AAL2 = a second factor in this session.
  if (admin2faRequired && user.assurance !== "aal2") return { kind: "needs_second_factor", user };
  return { kind: "allowed", user };
}

export async function checkStaffAccess(): Promise<StaffAccess> {
  return decideStaffAccess(await getWebUser());
}

/** A same-site path inside the admin area, else the dashboard (no open redirects). */
export function adminPath(value: unknown): string {
  const path = safeReturnPath(value, ADMIN_HOME);
  return path === ADMIN_HOME || path.startsWith(`${ADMIN_HOME}/`) || path.startsWith(`${ADMIN_HOME}?`)
    ? path
    : ADMIN_HOME;
}

export const signInUrl = (returnTo: string): string => `/login?next=${encodeURIComponent(adminPath(returnTo))}`;
export const verifyUrl = (returnTo: string): string =>
  `${ADMIN_VERIFY}?next=${encodeURIComponent(adminPath(returnTo))}`;

/**
 * Every admin page and server action calls this first. Signed out: sign-in with a return URL.
 * Not staff: a plain 404, so the area does not advertise itself. Staff without a second factor in
 * this session: the verification step.
 */
export async function requireStaff(returnTo: string = ADMIN_HOME): Promise<WebUser> {
  const access = await checkStaffAccess();
  switch (access.kind) {
    case "allowed":
      return access.user;
    case "signed_out":
      redirect(signInUrl(returnTo));
    case "not_staff":
      notFound();
    case "needs_second_factor":
      redirect(verifyUrl(returnTo));
  }
}

/**
 * For the verification step only: staff, with or without a second factor in this session. It
 * never grants admin access; it can only prove a factor and upgrade the session.
 */
export async function requireStaffToVerify(returnTo: string = ADMIN_HOME): Promise<WebUser> {
  const access = await checkStaffAccess();
  if (access.kind === "signed_out") redirect(signInUrl(returnTo));
  if (access.kind === "not_staff") notFound();
  return access.user;
}
