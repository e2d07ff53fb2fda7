"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export type AdminNavItem = { href: string; label: string; group: string };

const isCurrent = (pathname: string, href: string) =>
  href === "/admin" ? pathname === "/admin" : pathname === href || pathname.startsWith(`${href}/`);

/** Sidebar on wide screens, a scrollable strip on narrow ones; the current page is marked for screen readers. */
export function AdminNav({ items }: { items: AdminNavItem[] }) {
  const pathname = usePathname();
  const groups = [...new Set(items.map((i) => i.group))];
  return (
    <nav aria-label="Admin" className="no-print lg:sticky lg:top-6 lg:self-start">
      <div className="-mx-1 flex gap-1 overflow-x-auto pb-2 lg:mx-0 lg:block lg:space-y-5 lg:overflow-visible lg:pb-0">
        {groups.map((group) => (
          <div key={group} className="flex gap-1 lg:block">
            <p className="hidden px-3 pb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500 lg:block dark:text-zinc-400">
              {group}
            </p>
            <ul className="flex gap-1 lg:block lg:space-y-0.5">
              {items
                .filter((i) => i.group === group)
                .map((item) => {
                  const current = isCurrent(pathname, item.href);
                  return (
                    <li key={item.href}>
                      <Link
                        href={item.href}
                        aria-current={current ? "page" : undefined}
                        className={`block whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 ${
                          current
                            ? "bg-indigo-50 text-indigo-700 dark:bg-indigo-950/60 dark:text-indigo-300"
                            : "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-white"
                        }`}
                      >
                        {item.label}
                      </Link>
                    </li>
                  );
                })}
            </ul>
          </div>
        ))}
      </div>
    </nav>
  );
}
