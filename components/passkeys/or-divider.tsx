/** A thin rule with "or" between two ways of doing the same thing. */
export function OrDivider() {
  return (
    <div
      className="flex items-center gap-3 text-xs font-medium uppercase tracking-wide text-zinc-400 dark:text-zinc-500"
      role="separator"
    >
      <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
      or
      <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
    </div>
  );
}
