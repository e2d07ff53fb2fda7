import type { Metadata } from "next";
import { Badge } from "@/components/admin/badge";
import {
  DataTable,
  ListToolbar,
  Pagination,
  type Column,
  type ListView,
  userColumn,
} from "@/components/admin/data-table";
import { formatDateTime } from "@/components/admin/format";
import { PageHeader } from "@/components/admin/page-header";
import { requireStaff } from "@/lib/auth/admin/guard";
import { listQueryParams, parseListQuery, type SearchParams } from "@/lib/auth/admin/listing";
import { listPasskeys, passkeysSpec, type AdminPasskeyRow } from "@/lib/auth/admin/passkeys";

export const metadata: Metadata = { title: "Passkeys" };

const columns: Column<AdminPasskeyRow>[] = [
  { key: "name", header: "Name", sort: "name", rowHeader: true, render: (r) => r.name },
  userColumn({ rowHeader: false }),
  {
    key: "authenticator",
    header: "Authenticator",
    render: (r) => r.authenticator ?? <span className="text-zinc-500 dark:text-zinc-400">Unknown</span>,
  },
  {
    key: "sync",
    header: "Kind",
    render: (r) => (r.synced ? <Badge tone="indigo">Synced</Badge> : <Badge>Device-bound</Badge>),
  },
  {
    key: "credential",
    header: "Credential id",
    render: (r) => <code className="font-mono text-xs">{r.credentialIdShort}</code>,
  },
  {
    key: "created",
    header: "Added",
    sort: "created",
    render: (r) => formatDateTime(r.createdAt),
    className: "whitespace-nowrap",
  },
  {
    key: "last_used",
    header: "Last used",
    sort: "last_used",
    render: (r) => formatDateTime(r.lastUsedAt),
    className: "whitespace-nowrap",
  },
  {
    key: "since",
    header: "Days since use",
    render: (r) => (r.stale ? <Badge tone="amber">{r.daysSinceUseText}</Badge> : r.daysSinceUseText),
    className: "whitespace-nowrap",
  },
];

export default async function PasskeysPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = parseListQuery(await searchParams, passkeysSpec);
  await requireStaff(`/admin/passkeys?${listQueryParams(query, passkeysSpec)}`);
  const view: ListView<(typeof passkeysSpec.sorts)[number], keyof typeof passkeysSpec.filters> = {
    basePath: "/admin/passkeys",
    exportResource: "passkeys",
    spec: passkeysSpec,
    query,
  };
  const page = await listPasskeys(query);
  return (
    <>
      <PageHeader
        title="Passkeys"
        description="Every registered passkey with its authenticator and last use. Passkeys unused for 90 days or more are flagged, never deleted automatically (that would silently switch a user's 2FA off)."
      />
      <ListToolbar
        view={view}
        searchLabel="name, user or credential id"
        filters={[
          {
            name: "usage",
            label: "Use",
            options: [
              { value: "stale", label: "Unused 90+ days" },
              { value: "never", label: "Never used" },
              { value: "recent", label: "Used in 90 days" },
            ],
          },
          {
            name: "sync",
            label: "Kind",
            options: [
              { value: "synced", label: "Synced" },
              { value: "device", label: "Device-bound" },
            ],
          },
        ]}
      />
      <DataTable caption="Passkeys" columns={columns} page={page} rowKey={(r) => String(r.id)} view={view} />
      <Pagination page={page} view={view} />
    </>
  );
}
