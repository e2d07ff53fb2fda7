import Link from "next/link";
import type { ReactNode } from "react";

const accents = {
  neutral: "",
  good: "text-emerald-700 dark:text-emerald-400",
  warn: "text-amber-700 dark:text-amber-300",
  bad: "text-red-700 dark:text-red-400",
} as const;

/** One figure of the dashboard; `href` links to the list behind it. */
export function StatCard({
  label,
  value,
  detail,
  href,
  accent = "neutral",
  testId,
}: {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  href?: string;
  accent?: keyof typeof accents;
  testId?: string;
}) {
  const body = (
    <>
      <dt className="text-sm font-medium text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd
        className={`mt-1 text-2xl font-semibold tracking-tight tabular-nums text-zinc-900 dark:text-white ${accents[accent]}`}
        data-testid={testId}
      >
        {value}
      </dd>
      {detail && <dd className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">{detail}</dd>}
    </>
  );
  const box = "block h-full rounded-xl bg-white p-4 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800";
  return href ? (
    <div>
      <Link
        href={href}
        className={`${box} hover:ring-indigo-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:hover:ring-indigo-700`}
      >
        <dl>{body}</dl>
      </Link>
    </div>
  ) : (
    <div className={box}>
      <dl>{body}</dl>
    </div>
  );
}
