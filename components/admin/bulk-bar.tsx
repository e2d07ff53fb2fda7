import type { ReactNode } from "react";

/**
 * The form that row checkboxes belong to (through their form= attribute), holding its buttons. It
 * sits outside the table so that the search form and this one never nest.
 */
export function BulkBar({
  id,
  returnTo,
  children,
  note,
}: {
  id: string;
  returnTo: string;
  children: ReactNode;
  note?: ReactNode;
}) {
  return (
    <form id={id} className="no-print mb-3 flex flex-wrap items-center gap-2">
      <input type="hidden" name="return_to" value={returnTo} />
      <span className="text-sm text-zinc-600 dark:text-zinc-400">{note ?? "With the selected rows:"}</span>
      {children}
    </form>
  );
}
