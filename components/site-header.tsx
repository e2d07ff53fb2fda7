import Link from "next/link";
import { signOutAction } from "@/app/_actions/session";
import { apiKeysEnabled } from "@/lib/auth/api-access/api-keys";
import { getWebUser } from "@/lib/auth/sessions/web-session";
import { ThemeToggle, type Theme } from "./theme-toggle";

const navLink =
  "rounded-md px-2 py-1.5 text-sm font-medium sm:px-2.5 text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800";

export async function SiteHeader({ theme }: { theme: Theme }) {
  const user = await getWebUser();
  return (
    <header className="no-print border-b border-zinc-200 bg-white/80 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/80">
      <nav
        aria-label="Main"
        className="mx-auto flex min-h-14 max-w-5xl flex-wrap items-center gap-x-1 gap-y-1 px-4 py-2 sm:gap-x-2"
      >
        <Link href="/" className="mr-auto flex items-center gap-2 font-semibold text-zinc-900 dark:text-zinc-100">
          <svg
            aria-hidden="true"
            viewBox="0 0 24 24"
            className="size-6 text-indigo-600"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
            strokeLinejoin="round"
          >
            <rect x="4" y="10" width="16" height="11" rx="2" />
            <path d="M8 10V7a4 4 0 0 1 8 0v3" />
          </svg>
          next-lokdown
        </Link>
        {user ? (
          <>
            <Link href="/account" className={navLink}>
              Account
            </Link>
            <Link href="/account/security" className={navLink}>
              Security
            </Link>
            {apiKeysEnabled() && (
              <Link href="/account/api-keys" className={navLink}>
                API keys
              </Link>
            )}
            {user.isStaff && (
              <Link href="/admin" className={navLink}>
                Admin
              </Link>
            )}
            <form action={signOutAction}>
              <button type="submit" className={navLink}>
                Sign out
              </button>
            </form>
          </>
        ) : (
          <>
            <Link href="/login" className={navLink}>
              Sign in
            </Link>
            <Link href="/signup" className={navLink}>
              Sign up
            </Link>
          </>
        )}
        <ThemeToggle initial={theme} />
      </nav>
    </header>
  );
}
