import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AdminNav, type AdminNavItem } from "@/components/admin/admin-nav";
import { checkStaffAccess } from "@/lib/auth/admin/guard";

export const metadata: Metadata = { title: { default: "Admin", template: "%s · Admin · next-lokdown" }, robots: { index: false, follow: false } };

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
  return (
    <div className="relative left-1/2 w-[calc(100vw-2rem)] max-w-[96rem] -translate-x-1/2">
      {showNav ? (
        <div className="gap-8 lg:grid lg:grid-cols-[13rem_minmax(0,1fr)]">
          <AdminNav items={NAV} />
          <div className="mt-4 min-w-0 lg:mt-0">{children}</div>
        </div>
      ) : (
        <div className="mx-auto max-w-5xl">{children}</div>
      )}
    </div>
  );
}
