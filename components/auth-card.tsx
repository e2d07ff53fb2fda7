import type { ReactNode } from "react";

/** The narrow centred card every sign-in step uses. */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <div className="mx-auto w-full max-w-sm">
      <h1 className="text-center text-2xl font-bold tracking-tight text-zinc-900 dark:text-white">{title}</h1>
      {subtitle && <p className="mt-2 text-center text-sm text-zinc-600 dark:text-zinc-400">{subtitle}</p>}
      <div className="mt-8 space-y-5 rounded-xl bg-white p-6 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
        {children}
      </div>
    </div>
  );
}
