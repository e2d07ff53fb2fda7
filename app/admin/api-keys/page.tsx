import type { Metadata } from "next";
import { ActionNotice } from "@/components/admin/notice";
import { Badge } from "@/components/admin/badge";
import { BulkBar } from "@/components/admin/bulk-bar";
import {
  currentHref,
  DataTable,
  ListToolbar,
  Pagination,
  type Column,
  type ListView,
  userColumn,
} from "@/components/admin/data-table";
import { formatDateTime, formatRelative } from "@/components/admin/format";
import { PageHeader } from "@/components/admin/page-header";
import { buttonClass } from "@/components/ui/button";
import { apiKeysSpec, listApiKeys, type AdminApiKeyRow } from "@/lib/auth/admin/api-keys";
import { requireStaff } from "@/lib/auth/admin/guard";
import { listQueryParams, parseListQuery, type SearchParams } from "@/lib/auth/admin/listing";
import { revokeApiKeysAction } from "./actions";

export const metadata: Metadata = { title: "API keys" };

const FORM = "api-keys-bulk";

const columns: Column<AdminApiKeyRow>[] = [
  {
    key: "prefix",
    header: "Key",
    rowHeader: true,
    render: (r) => <code className="font-mono text-xs">{r.prefix}…</code>,
  },
  {
    key: "name",
    header: "Name",
    render: (r) => r.name || <span className="text-zinc-500 dark:text-zinc-400">(no name)</span>,
    className: "max-w-48 truncate",
  },
  userColumn({ header: "Owner", rowHeader: false }),
  {
    key: "status",
    header: "Status",
    render: (r) =>
      r.status === "active" ? (
        <Badge tone="green">Active</Badge>
      ) : r.status === "revoked" ? (
        <Badge tone="red">Revoked</Badge>
      ) : (
        <Badge>Expired</Badge>
      ),
  },
  {
    key: "created",
    header: "Created",
    sort: "created",
    render: (r) => formatDateTime(r.createdAt),
    className: "whitespace-nowrap",
  },
  {
    key: "last_used",
    header: "Last used",
    sort: "last_used",
    render: (r) => (r.lastUsedAt ? formatRelative(r.lastUsedAt) : "Never"),
    className: "whitespace-nowrap",
  },
  {
    key: "expires",
    header: "Expires",
    sort: "expires",
    render: (r) =>
      r.revokedAt ? `revoked ${formatDateTime(r.revokedAt)}` : r.expiresAt ? formatDateTime(r.expiresAt) : "Never",
    className: "whitespace-nowrap",
  },
];

export default async function ApiKeysPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const query = parseListQuery(params, apiKeysSpec);
  await requireStaff(`/admin/api-keys?${listQueryParams(query, apiKeysSpec)}`);
  const view: ListView<(typeof apiKeysSpec.sorts)[number], keyof typeof apiKeysSpec.filters> = {
    basePath: "/admin/api-keys",
    exportResource: "api-keys",
    spec: apiKeysSpec,
    query,
  };
  const page = await listApiKeys(query);
  return (
    <>
      <PageHeader
        title="API keys"
        description="Every user's API keys. Only the public prefix is stored in the clear; revoking a key stops it at the next request."
      />
      <ActionNotice params={params} />
      <ListToolbar
        view={view}
        searchLabel="name, prefix, user or email"
        filters={[
          {
            name: "status",
            label: "Status",
            options: [
              { value: "active", label: "Active" },
              { value: "expired", label: "Expired" },
              { value: "revoked", label: "Revoked" },
            ],
          },
        ]}
      />
      <BulkBar id={FORM} returnTo={currentHref(view)}>
        <button type="submit" formAction={revokeApiKeysAction} className={buttonClass("danger")}>
          Revoke selected
        </button>
      </BulkBar>
      <DataTable
        caption="API keys"
        columns={columns}
        page={page}
        rowKey={(r) => String(r.id)}
        view={view}
        selection={{
          formId: FORM,
          value: (r) => String(r.id),
          label: (r) => `Select API key ${r.prefix} of ${r.username}`,
          enabled: (r) => r.status !== "revoked",
        }}
      />
      <Pagination page={page} view={view} />
    </>
  );
}
