import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AdminNav, type AdminNavItem } from "@/components/admin/admin-nav";
import { checkStaffAccess } from "@/lib/auth/admin/guard";

export const metadata: Metadata = {
  title: { default: "Admin", template: "%s · Admin · next-lokdown" },
  robots: { index: false, follow: false },
};

const NAV: AdminNavItem[] = [
  { href: "/admin", label: "Dashboard", group: "Overview" },
  { href: "/admin/users", label: "Users", group: "Accounts" },
  { href: "/admin/totp", label: "TOTP devices", group: "Accounts" },
  { href: "/admin/passkeys", label: "Passkeys", group: "Accounts" },
  { href: "/admin/backup-codes", label: "Backup codes", group: "Accounts" },
  { href: "/admin/api-keys", label: "API keys", group: "Accounts" },
  { href: "/admin/login-sessions", label: "Login sessions", group: "Activity" },
  { href: "/admin/sessions", label: "Signed-in sessions", group: "Activity" },
  { href: "/admin/failed-attempts", label: "Failed attempts", group: "Activity" },
  { href: "/admin/events", label: "Security events", group: "Activity" },
  { href: "/admin/oauth-providers", label: "OAuth providers", group: "Settings" },
  { href: "/admin/account", label: "My security", group: "Settings" },
];

/**
 * Layout only: it decides whether to draw the navigation, never whether to show a page. Every
 * page, action and route below checks access itself (requireStaff / staffRoute).
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const showNav = (await checkStaffAccess()).kind === "allowed";
  // Wider than the site's reading column: tables need the room. 100vw includes the scrollbar, hence the margin.
  // The children keep their place in the tree whether or not the navigation shows, so that a page
  // whose action just verified the session (and re-renders with the nav) keeps its client state.
  return (
    <div className="relative left-1/2 w-[calc(100vw-2rem)] max-w-[96rem] -translate-x-1/2">
      <div className={showNav ? "gap-8 lg:grid lg:grid-cols-[13rem_minmax(0,1fr)]" : "mx-auto max-w-5xl"}>
        {showNav ? <AdminNav items={NAV} /> : null}
        <div className={showNav ? "mt-4 min-w-0 lg:mt-0" : undefined}>{children}</div>
      </div>
    </div>
  );
}
