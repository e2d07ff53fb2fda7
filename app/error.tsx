"use client";

import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

/**
 * Shown when a page or server action below the root layout fails (most often: the database is
 * briefly unreachable). The details stay in the server log; the digest ties a report to it.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-md text-center">
      <h1 className="text-2xl font-bold tracking-tight text-zinc-900 dark:text-white">
        Something went wrong on our side
      </h1>
      <p className="mt-3 text-zinc-600 dark:text-zinc-400">
        This is usually temporary. Please try again in a moment; nothing you entered was saved half-way.
      </p>
      <div className="mt-6 flex justify-center gap-3">
        <button type="button" onClick={reset} className={buttonClass("primary")}>
          Try again
        </button>
        <Link href="/" className={buttonClass("secondary")}>
          Home
        </Link>
      </div>
      {error.digest && <p className="mt-6 font-mono text-xs text-zinc-500">Reference: {error.digest}</p>}
    </div>
  );
}
