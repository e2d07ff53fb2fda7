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
import { formatDateTime, formatRelative } from "@/components/admin/format";
import { PageHeader } from "@/components/admin/page-header";
import { requireStaff } from "@/lib/auth/admin/guard";
import { listQueryParams, parseListQuery, type SearchParams } from "@/lib/auth/admin/listing";
import { listTotpDevices, totpSpec, type AdminTotpRow } from "@/lib/auth/admin/totp-devices";

export const metadata: Metadata = { title: "TOTP devices" };

const columns: Column<AdminTotpRow>[] = [
  userColumn(),
  { key: "email", header: "Email", render: (r) => r.email, className: "max-w-64 truncate" },
  {
    key: "status",
    header: "Status",
    render: (r) =>
      r.status === "enabled" ? <Badge tone="green">Enabled</Badge> : <Badge tone="amber">Setup not finished</Badge>,
  },
  {
    key: "confirmed",
    header: "Enabled",
    sort: "confirmed",
    render: (r) => formatDateTime(r.confirmedAt),
    className: "whitespace-nowrap",
  },
  {
    key: "last_used",
    header: "Last used",
    sort: "last_used",
    render: (r) => (r.lastUsedAt ? `${formatDateTime(r.lastUsedAt)} (${formatRelative(r.lastUsedAt)})` : "Never"),
    className: "whitespace-nowrap",
  },
  {
    key: "created",
    header: "Created",
    sort: "created",
    render: (r) => formatDateTime(r.createdAt),
    className: "whitespace-nowrap",
  },
];

export default async function TotpDevicesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = parseListQuery(await searchParams, totpSpec);
  await requireStaff(`/admin/totp?${listQueryParams(query, totpSpec)}`);
  const view: ListView<(typeof totpSpec.sorts)[number], keyof typeof totpSpec.filters> = {
    basePath: "/admin/totp",
    exportResource: "totp",
    spec: totpSpec,
    query,
  };
  const page = await listTotpDevices(query);
  return (
    <>
      <PageHeader
        title="TOTP devices"
        description="Authenticator apps, one per user. Secrets are encrypted at rest and never shown here. To remove a user's app, reset their 2FA on the user page."
      />
      <ListToolbar
        view={view}
        searchLabel="username or email"
        filters={[
          {
            name: "status",
            label: "Status",
            options: [
              { value: "enabled", label: "Enabled" },
              { value: "pending", label: "Setup not finished" },
            ],
          },
        ]}
      />
      <DataTable caption="TOTP devices" columns={columns} page={page} rowKey={(r) => String(r.userId)} view={view} />
      <Pagination page={page} view={view} />
    </>
  );
}
