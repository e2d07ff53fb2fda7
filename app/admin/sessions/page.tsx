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
import { authSessionsSpec, listAuthSessions, type AdminAuthSessionRow } from "@/lib/auth/admin/sessions";
import { requireStaff } from "@/lib/auth/admin/guard";
import { listQueryParams, parseListQuery, type SearchParams } from "@/lib/auth/admin/listing";
import { revokeSessionsAction } from "./actions";

export const metadata: Metadata = { title: "Signed-in sessions" };

const FORM = "sessions-bulk";

function columns(currentSessionId: string): Column<AdminAuthSessionRow>[] {
  return [
    userColumn(),
    {
      key: "status",
      header: "Status",
      render: (r) => (
        <span className="flex flex-wrap gap-1">
          {r.status === "active" ? (
            <Badge tone="green">Active</Badge>
          ) : r.status === "revoked" ? (
            <Badge tone="red">Revoked</Badge>
          ) : (
            <Badge>Expired</Badge>
          )}
          {r.id === currentSessionId && <Badge tone="indigo">This session</Badge>}
        </span>
      ),
    },
    { key: "kind", header: "Kind", render: (r) => (r.kind === "web" ? "Browser" : "API") },
    {
      key: "amr",
      header: "Signed in with",
      render: (r) => (
        <span className="flex flex-wrap items-center gap-1">
          {r.mfa ? <Badge tone="green">2FA</Badge> : <Badge tone="amber">No 2FA</Badge>}
          <code className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{r.amr.join(" ")}</code>
        </span>
      ),
    },
    { key: "ip", header: "IP address", render: (r) => <span className="font-mono text-xs">{r.ipAddress ?? "—"}</span> },
    {
      key: "device",
      header: "Device",
      render: (r) => <span title={r.userAgent}>{r.device || "—"}</span>,
      className: "max-w-48 truncate",
    },
    {
      key: "last_seen",
      header: "Last seen",
      sort: "last_seen",
      render: (r) => formatRelative(r.lastSeenAt),
      className: "whitespace-nowrap",
    },
    {
      key: "created",
      header: "Signed in",
      sort: "created",
      render: (r) => formatDateTime(r.createdAt),
      className: "whitespace-nowrap",
    },
    {
      key: "expires",
      header: "Expires",
      sort: "expires",
      render: (r) =>
        r.revokedAt
          ? `revoked ${formatRelative(r.revokedAt)}${r.revokedReason ? ` (${r.revokedReason})` : ""}`
          : formatDateTime(r.expiresAt),
      className: "whitespace-nowrap",
    },
  ];
}

export default async function SessionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const query = parseListQuery(params, authSessionsSpec);
  const admin = await requireStaff(`/admin/sessions?${listQueryParams(query, authSessionsSpec)}`);
  const view: ListView<(typeof authSessionsSpec.sorts)[number], keyof typeof authSessionsSpec.filters> = {
    basePath: "/admin/sessions",
    exportResource: "sessions",
    spec: authSessionsSpec,
    query,
  };
  const page = await listAuthSessions(query);
  return (
    <>
      <PageHeader
        title="Signed-in sessions"
        description="Browser sessions and API refresh-token families. Revoking one signs that browser or client out at its next request."
      />
      <ActionNotice params={params} />
      <ListToolbar
        view={view}
        searchLabel="username, email or IP"
        filters={[
          {
            name: "status",
            label: "Status",
            options: [
              { value: "active", label: "Active" },
              { value: "revoked", label: "Revoked" },
              { value: "expired", label: "Expired" },
            ],
          },
          {
            name: "kind",
            label: "Kind",
            options: [
              { value: "web", label: "Browser" },
              { value: "api", label: "API" },
            ],
          },
          {
            name: "mfa",
            label: "2FA",
            options: [
              { value: "yes", label: "Passed 2FA" },
              { value: "no", label: "Without 2FA" },
            ],
          },
          {
            name: "recent",
            label: "Seen",
            options: [
              { value: "1h", label: "Last hour" },
              { value: "24h", label: "Last 24 hours" },
              { value: "7d", label: "Last 7 days" },
              { value: "30d", label: "Last 30 days" },
            ],
          },
        ]}
      />
      <BulkBar id={FORM} returnTo={currentHref(view)}>
        <button type="submit" formAction={revokeSessionsAction} className={buttonClass("danger")}>
          Revoke selected
        </button>
      </BulkBar>
      <DataTable
        caption="Signed-in sessions"
        columns={columns(admin.sessionId)}
        page={page}
        rowKey={(r) => r.id}
        view={view}
        selection={{
          formId: FORM,
          value: (r) => r.id,
          label: (r) => `Select the ${r.kind} session of ${r.username} from ${formatDateTime(r.createdAt)}`,
          enabled: (r) => r.status === "active",
        }}
      />
      <Pagination page={page} view={view} />
    </>
  );
}
