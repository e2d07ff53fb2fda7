import "server-only";
import { csvHeader, csvRows, type CsvColumn } from "./csv";
import { parseListQuery, type ListPage, type ListSpec } from "./listing";
import { apiKeyCsv, apiKeysSpec, listApiKeys } from "./api-keys";
import { authSessionCsv, authSessionsSpec, listAuthSessions } from "./sessions";
import { backupCodesCsv, backupCodesSpec, listBackupCodes } from "./backup-codes";
import { listPendingLogins, pendingLoginCsv, pendingLoginsSpec } from "./pending-logins";
import { listPasskeys, passkeyCsv, passkeysSpec } from "./passkeys";
import { eventCsv, eventsSpec, listEventTypes, listSecurityEvents, userFilterValues } from "./security-events";
import { listTotpDevices, totpCsv, totpSpec } from "./totp-devices";
import { listUsers, userCsv, usersSpec } from "./users";
import { listOAuthProvidersForAdmin, oauthProviderCsv, oauthProvidersSpec } from "./oauth-providers";

/** Rows per database round trip, and the most one export returns. */
const BATCH = 500;
export const EXPORT_MAX_ROWS = 100_000;

type Fetch<T> = (range: { skip: number; take: number }) => Promise<ListPage<T>>;
type Exporter = (params: URLSearchParams, now: Date) => Promise<{ columns: CsvColumn<never>[]; fetch: Fetch<never> }>;

function exporter<S extends string, F extends string, T>(
  spec: ListSpec<S, F> | ((params: URLSearchParams) => Promise<ListSpec<S, F>>),
  columns: CsvColumn<T>[],
  list: (
    query: ReturnType<typeof parseListQuery<S, F>>,
    range: { skip: number; take: number },
    now: Date,
  ) => Promise<ListPage<T>>,
): Exporter {
  return async (params, now) => {
    const resolved = typeof spec === "function" ? await spec(params) : spec;
    const query = parseListQuery(params, resolved);
    return { columns: columns as CsvColumn<never>[], fetch: ((range) => list(query, range, now)) as Fetch<never> };
  };
}

const EXPORTERS = {
  users: exporter(usersSpec, userCsv, (q, r) => listUsers(q, r)),
  totp: exporter(totpSpec, totpCsv, (q, r) => listTotpDevices(q, r)),
  passkeys: exporter(passkeysSpec, passkeyCsv, (q, r, now) => listPasskeys(q, r, now)),
  "backup-codes": exporter(backupCodesSpec, backupCodesCsv, (q, r) => listBackupCodes(q, r)),
  "login-sessions": exporter(pendingLoginsSpec, pendingLoginCsv, (q, r, now) => listPendingLogins(q, r, now)),
  sessions: exporter(authSessionsSpec, authSessionCsv, (q, r, now) => listAuthSessions(q, r, now)),
  "failed-attempts": exporter(
    async (p) => eventsSpec(await listEventTypes("failed"), userFilterValues(p.get("user") ?? "")),
    eventCsv,
    (q, r, now) => listSecurityEvents(q, "failed", r, now),
  ),
  events: exporter(
    async (p) => eventsSpec(await listEventTypes("all"), userFilterValues(p.get("user") ?? "")),
    eventCsv,
    (q, r, now) => listSecurityEvents(q, "all", r, now),
  ),
  "api-keys": exporter(apiKeysSpec, apiKeyCsv, (q, r, now) => listApiKeys(q, r, now)),
  "oauth-providers": exporter(oauthProvidersSpec, oauthProviderCsv, (q, r) => listOAuthProvidersForAdmin(q, r)),
} satisfies Record<string, Exporter>;

export type ExportResource = keyof typeof EXPORTERS;

export const isExportResource = (value: string): value is ExportResource => Object.hasOwn(EXPORTERS, value);

/**
 * The CSV of one admin list with the same search, filters and sort as the page (all pages of it),
 * produced in batches so a large table never sits in memory at once.
 */
export async function* exportCsv(
  resource: ExportResource,
  params: URLSearchParams,
  now = new Date(),
): AsyncGenerator<string> {
  const { columns, fetch } = await EXPORTERS[resource](params, now);
  yield csvHeader(columns);
  for (let skip = 0; skip < EXPORT_MAX_ROWS; skip += BATCH) {
    const page = await fetch({ skip, take: Math.min(BATCH, EXPORT_MAX_ROWS - skip) });
    if (page.rows.length === 0) break;
    yield csvRows(columns, page.rows);
    if (page.rows.length < BATCH) break;
  }
}
