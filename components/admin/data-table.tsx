import Link from "next/link";
import type { ReactNode } from "react";
import { inputClass } from "@/components/ui/field";
import { buttonClass } from "@/components/ui/button";
import { listQueryParams, PER_PAGE, type ListPage, type ListQuery, type ListSpec } from "@/lib/auth/admin/listing";

/**
 * Server-rendered list pieces shared by every admin record page: a GET form for search and
 * filters, sortable column headers, pagination and an export link. Everything is a link or a plain
 * form, so lists work without client JavaScript and every state has a URL.
 */

export type ListView<S extends string, F extends string> = {
  basePath: string;
  /** Name of the CSV export (app/admin/export/[resource]); omitted when a list has none. */
  exportResource?: string;
  spec: ListSpec<S, F>;
  query: ListQuery<S, F>;
};

export function hrefWith<S extends string, F extends string>(
  view: ListView<S, F>,
  changes: Record<string, string | null>,
): string {
  const params = listQueryParams(view.query, view.spec);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === "") params.delete(key);
    else params.set(key, value);
  }
  const text = params.toString();
  return text ? `${view.basePath}?${text}` : view.basePath;
}

/** The current list URL (for actions to come back to). */
export const currentHref = <S extends string, F extends string>(view: ListView<S, F>): string => hrefWith(view, {});

export type FilterDef = { name: string; label: string; options: { value: string; label: string }[] };

export function ListToolbar<S extends string, F extends string>({
  view,
  filters,
  searchLabel,
}: {
  view: ListView<S, F>;
  filters: FilterDef[];
  searchLabel: string;
}) {
  const params = listQueryParams(view.query, view.spec);
  params.delete("page");
  const exportHref = view.exportResource
    ? `/admin/export/${view.exportResource}${params.size > 0 ? `?${params.toString()}` : ""}`
    : null;
  const id = (name: string) => `list-${name}`;
  return (
    <form
      method="get"
      action={view.basePath}
      role="search"
      aria-label={`Search and filter ${searchLabel}`}
      className="no-print mb-4 flex flex-wrap items-end gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      <div className="min-w-48 flex-1">
        <label htmlFor={id("q")} className="block text-xs font-medium text-zinc-700 dark:text-zinc-300">
          Search
        </label>
        <input
          id={id("q")}
          type="search"
          name="q"
          defaultValue={view.query.q}
          placeholder={searchLabel}
          maxLength={100}
          className={`mt-1 ${inputClass}`}
        />
      </div>
      {filters.map((f) => (
        <div key={f.name}>
          <label htmlFor={id(f.name)} className="block text-xs font-medium text-zinc-700 dark:text-zinc-300">
            {f.label}
          </label>
          <select
            id={id(f.name)}
            name={f.name}
            defaultValue={(view.query.filters as Record<string, string>)[f.name] ?? ""}
            className={`mt-1 ${inputClass} pr-8`}
          >
            <option value="">All</option>
            {f.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      ))}
      <div>
        <label htmlFor={id("per_page")} className="block text-xs font-medium text-zinc-700 dark:text-zinc-300">
          Per page
        </label>
        <select
          id={id("per_page")}
          name="per_page"
          defaultValue={String(view.query.perPage)}
          className={`mt-1 ${inputClass} pr-8`}
        >
          {PER_PAGE.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      {(Object.entries(view.query.filters) as [string, string][])
        .filter(([name, value]) => value && !filters.some((f) => f.name === name))
        .map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
      {view.query.sort !== view.spec.defaultSort || view.query.dir !== view.spec.defaultDir ? (
        <>
          <input type="hidden" name="sort" value={view.query.sort} />
          <input type="hidden" name="dir" value={view.query.dir} />
        </>
      ) : null}
      <div className="flex gap-2">
        <button type="submit" className={buttonClass("primary")}>
          Apply
        </button>
        <Link href={view.basePath} className={buttonClass("ghost")}>
          Reset
        </Link>
        {exportHref && (
          <a href={exportHref} className={buttonClass("secondary")} download>
            Export CSV
          </a>
        )}
      </div>
    </form>
  );
}

export type Column<T> = {
  key: string;
  header: string;
  /** A sort key the list spec accepts; the header becomes a sort link. */
  sort?: string;
  render: (row: T) => ReactNode;
  className?: string;
  /** The row's header cell (scope="row"): the column that names the record. */
  rowHeader?: boolean;
};

/** The column most lists start with: the user a record belongs to, linked to their admin page. */
export function userColumn<T extends { userId: number; username: string }>(
  options: { header?: string; rowHeader?: boolean } = {},
): Column<T> {
  return {
    key: "user",
    header: options.header ?? "User",
    sort: "username",
    rowHeader: options.rowHeader ?? true,
    render: (r) => (
      <Link href={`/admin/users/${r.userId}`} className="text-indigo-700 hover:underline dark:text-indigo-400">
        {r.username}
      </Link>
    ),
  };
}

export type Selection<T> = {
  formId: string;
  value: (row: T) => string;
  label: (row: T) => string;
  enabled?: (row: T) => boolean;
};

const thClass = "px-3 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400";
const tdClass = "px-3 py-2.5 align-top text-zinc-800 dark:text-zinc-200";

function SortHeader<S extends string, F extends string>({
  view,
  column,
}: {
  view: ListView<S, F>;
  column: { header: string; sort: string };
}) {
  const active = view.query.sort === column.sort;
  const nextDir = active && view.query.dir === "asc" ? "desc" : "asc";
  const arrow = active ? (view.query.dir === "asc" ? "▲" : "▼") : "↕";
  return (
    <Link
      href={hrefWith(view, { sort: column.sort, dir: nextDir, page: null })}
      className="group inline-flex items-center gap-1 rounded hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:text-white"
    >
      {column.header}
      <span
        aria-hidden="true"
        className={active ? "text-indigo-600 dark:text-indigo-400" : "text-zinc-400 opacity-60 group-hover:opacity-100"}
      >
        {arrow}
      </span>
      <span className="sr-only">
        {active
          ? `, sorted ${view.query.dir === "asc" ? "ascending" : "descending"}; activate to sort ${nextDir}ending`
          : ", activate to sort"}
      </span>
    </Link>
  );
}

export function DataTable<T, S extends string, F extends string>({
  caption,
  columns,
  page,
  rowKey,
  view,
  selection,
  empty = "Nothing matches.",
}: {
  caption: string;
  columns: Column<T>[];
  page: ListPage<T>;
  rowKey: (row: T) => string;
  view: ListView<S, F>;
  selection?: Selection<T>;
  empty?: string;
}) {
  const sortable = new Set<string>(view.spec.sorts);
  return (
    <div className="relative overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <table className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        <caption className="sr-only">
          {caption}, {page.total} in total, page {page.page} of {page.pages}
        </caption>
        <thead className="bg-zinc-50 dark:bg-zinc-800/60">
          <tr>
            {selection && (
              <th scope="col" className={`${thClass} w-10`}>
                <span className="sr-only">Select</span>
              </th>
            )}
            {columns.map((c) => {
              const active = c.sort !== undefined && view.query.sort === c.sort;
              return (
                <th
                  key={c.key}
                  scope="col"
                  aria-sort={active ? (view.query.dir === "asc" ? "ascending" : "descending") : undefined}
                  className={`${thClass} ${c.className ?? ""}`}
                >
                  {c.sort && sortable.has(c.sort) ? (
                    <SortHeader view={view} column={{ header: c.header, sort: c.sort }} />
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {page.rows.length === 0 && (
            <tr>
              <td
                colSpan={columns.length + (selection ? 1 : 0)}
                className="px-3 py-10 text-center text-zinc-500 dark:text-zinc-400"
              >
                {empty}
              </td>
            </tr>
          )}
          {page.rows.map((row) => (
            <tr key={rowKey(row)} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
              {selection && (
                <td className={`${tdClass} w-10`}>
                  {(selection.enabled?.(row) ?? true) && (
                    <input
                      type="checkbox"
                      name="ids"
                      value={selection.value(row)}
                      form={selection.formId}
                      aria-label={selection.label(row)}
                      className="size-4 rounded border-zinc-300 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-600"
                    />
                  )}
                </td>
              )}
              {columns.map((c) =>
                c.rowHeader ? (
                  <th key={c.key} scope="row" className={`${tdClass} text-left font-medium ${c.className ?? ""}`}>
                    {c.render(row)}
                  </th>
                ) : (
                  <td key={c.key} className={`${tdClass} ${c.className ?? ""}`}>
                    {c.render(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pagination<T, S extends string, F extends string>({
  page,
  view,
}: {
  page: ListPage<T>;
  view: ListView<S, F>;
}) {
  const first = page.total === 0 ? 0 : (page.page - 1) * page.perPage + 1;
  const last = Math.min(page.total, page.page * page.perPage);
  const link =
    "rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 dark:ring-zinc-700 dark:hover:bg-zinc-800";
  const off =
    "rounded-md px-3 py-1.5 text-sm font-medium text-zinc-400 ring-1 ring-inset ring-zinc-200 dark:text-zinc-600 dark:ring-zinc-800";
  return (
    <nav
      aria-label="Pagination"
      className="no-print mt-3 flex flex-wrap items-center justify-between gap-3 text-sm text-zinc-600 dark:text-zinc-400"
    >
      <p>
        {page.total === 0 ? "No results" : `Showing ${first}–${last} of ${page.total}`} · page {page.page} of{" "}
        {page.pages}
      </p>
      <div className="flex gap-2">
        {page.page > 1 ? (
          <Link href={hrefWith(view, { page: String(page.page - 1) })} className={link} rel="prev">
            Previous
          </Link>
        ) : (
          <span className={off} aria-disabled="true">
            Previous
          </span>
        )}
        {page.page < page.pages ? (
          <Link href={hrefWith(view, { page: String(page.page + 1) })} className={link} rel="next">
            Next
          </Link>
        ) : (
          <span className={off} aria-disabled="true">
            Next
          </span>
        )}
      </div>
    </nav>
  );
}
