import "server-only";

/**
 * Server-side list state read from URL search params: search text, one value per filter, a sort
 * key with direction, and a page. Every value is checked against what the list declares, so a
 * hand-edited URL can only pick among the offered choices.
 */

export type SearchParams = Record<string, string | string[] | undefined>;
export type SortDir = "asc" | "desc";

export type ListSpec<S extends string, F extends string> = {
  sorts: readonly S[];
  defaultSort: S;
  defaultDir: SortDir;
  /** Allowed values per filter; "" (absent) means no filter. */
  filters: { readonly [K in F]: readonly string[] };
};

export type ListQuery<S extends string, F extends string> = {
  q: string;
  sort: S;
  dir: SortDir;
  page: number;
  perPage: number;
  filters: Record<F, string>;
};

export type ListPage<T> = { rows: T[]; total: number; page: number; perPage: number; pages: number };

export const PER_PAGE = [25, 50, 100] as const;
export const DEFAULT_PER_PAGE = 25;
export const MAX_SEARCH_LENGTH = 100;
const MAX_PAGE = 100_000;

export const firstParam = (params: SearchParams | URLSearchParams, key: string): string => {
  const value = params instanceof URLSearchParams ? params.get(key) : params[key];
  return (Array.isArray(value) ? value[0] : value) ?? "";
};

export function parseListQuery<S extends string, F extends string>(
  params: SearchParams | URLSearchParams,
  spec: ListSpec<S, F>,
): ListQuery<S, F> {
  const sortParam = firstParam(params, "sort");
  const sort = (spec.sorts as readonly string[]).includes(sortParam) ? (sortParam as S) : spec.defaultSort;
  const dirParam = firstParam(params, "dir");
  const dir: SortDir =
    dirParam === "asc" || dirParam === "desc" ? dirParam : sort === spec.defaultSort ? spec.defaultDir : "asc";
  const pageNumber = Number(firstParam(params, "page"));
  const perPageNumber = Number(firstParam(params, "per_page"));
  const filters = {} as Record<F, string>;
  for (const key of Object.keys(spec.filters) as F[]) {
    const value = firstParam(params, key);
    filters[key] = spec.filters[key].includes(value) ? value : "";
  }
  return {
    q: firstParam(params, "q")
      .replace(/[\p{Cc}]/gu, "")
      .trim()
      .slice(0, MAX_SEARCH_LENGTH),
    sort,
    dir,
    page: Number.isInteger(pageNumber) && pageNumber >= 1 && pageNumber <= MAX_PAGE ? pageNumber : 1,
    perPage: (PER_PAGE as readonly number[]).includes(perPageNumber) ? perPageNumber : DEFAULT_PER_PAGE,
    filters,
  };
}

/** The list's state as search params (defaults left out), for links that change one thing. */
export function listQueryParams<S extends string, F extends string>(
  query: ListQuery<S, F>,
  spec: ListSpec<S, F>,
): URLSearchParams {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  for (const [key, value] of Object.entries(query.filters) as [F, string][]) if (value) params.set(key, value);
  if (query.sort !== spec.defaultSort || query.dir !== spec.defaultDir) {
    params.set("sort", query.sort);
    params.set("dir", query.dir);
  }
  if (query.perPage !== DEFAULT_PER_PAGE) params.set("per_page", String(query.perPage));
  if (query.page > 1) params.set("page", String(query.page));
  return params;
}

export function pageOf<T>(rows: T[], total: number, query: { page: number; perPage: number }): ListPage<T> {
  return {
    rows,
    total,
    page: query.page,
    perPage: query.perPage,
    pages: Math.max(1, Math.ceil(total / query.perPage)),
  };
}

export const skipTake = (query: { page: number; perPage: number }): { skip: number; take: number } => ({
  skip: (query.page - 1) * query.perPage,
  take: query.perPage,
});

/** Whole days between two instants, rounded down (0 = today). */
export const daysBetween = (earlier: Date, later: Date): number =>
  Math.max(0, Math.floor((later.getTime() - earlier.getTime()) / 86_400_000));

/** django-lokdown's wording for a passkey's last use. */
export function describeDaysSince(days: number | null): string {
  if (days === null) return "Never used";
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return `${days} days ago`;
}

/** Recent-activity windows (django-lokdown's "Recent Activity" filter), in milliseconds. */
export const RECENT = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 } as const;
export const RECENT_CHOICES = Object.keys(RECENT) as (keyof typeof RECENT)[];

export function recentSince(value: string, now: Date): Date | null {
  return value in RECENT ? new Date(now.getTime() - RECENT[value as keyof typeof RECENT]) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
export const MAX_SELECTED = 500;

/** Selected row ids from a form's checkboxes; anything that is not a positive integer is dropped. */
export function selectedIntIds(values: readonly unknown[]): number[] {
  const ids = values
    .filter((v): v is string => typeof v === "string")
    .map(Number)
    .filter((n) => Number.isSafeInteger(n) && n > 0);
  return [...new Set(ids)].slice(0, MAX_SELECTED);
}

export function selectedUuids(values: readonly unknown[]): string[] {
  const ids = values.filter((v): v is string => typeof v === "string" && UUID.test(v)).map((v) => v.toLowerCase());
  return [...new Set(ids)].slice(0, MAX_SELECTED);
}
