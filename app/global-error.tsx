"use client";

import "./globals.css";

/**
 * Replaces the root layout when it fails itself (it reads the session, so a stopped database
 * lands here). Plain markup only: nothing that could fail again.
 */
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en" data-theme="system">
      <body className="min-h-screen bg-zinc-50 font-sans text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <title>Temporarily unavailable · next-lokdown</title>
        <main role="alert" className="mx-auto max-w-md px-4 py-24 text-center">
          <h1 className="text-2xl font-bold tracking-tight">Something went wrong on our side</h1>
          <p className="mt-3 text-zinc-600 dark:text-zinc-400">
            The service is temporarily unavailable. Please try again in a moment.
          </p>
          {/* A full reload, not reset(): the root layout itself has to render again. */}
          <a
            href=""
            className="mt-6 inline-flex rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
          >
            Try again
          </a>
          {error.digest && <p className="mt-6 font-mono text-xs text-zinc-500">Reference: {error.digest}</p>}
        </main>
      </body>
    </html>
  );
}
