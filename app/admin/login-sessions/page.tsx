import type { Metadata } from "next";
import { ActionNotice } from "@/components/admin/notice";
import { Badge, type BadgeTone } from "@/components/admin/badge";
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
import { requireStaff } from "@/lib/auth/admin/guard";
import { listQueryParams, parseListQuery, type SearchParams } from "@/lib/auth/admin/listing";
import {
  listPendingLogins,
  pendingLoginsSpec,
  type AdminPendingLoginRow,
  type PendingLoginStatus,
} from "@/lib/auth/admin/pending-logins";
import { describeUserAgent } from "@/lib/auth/admin/sessions";
import { deleteExpiredLoginSessionsAction, expireLoginSessionsAction } from "./actions";

export const metadata: Metadata = { title: "Login sessions" };

const STATUS: Record<PendingLoginStatus, { label: string; tone: BadgeTone }> = {
  pending: { label: "Pending 2FA", tone: "amber" },
  setup: { label: "Pending setup", tone: "amber" },
  completed: { label: "Completed", tone: "green" },
  locked: { label: "Locked (wrong codes)", tone: "red" },
  expired: { label: "Expired", tone: "zinc" },
};

const FORM = "login-sessions-bulk";

const columns: Column<AdminPendingLoginRow>[] = [
  userColumn(),
  {
    key: "status",
    header: "Status",
    render: (r) => <Badge tone={STATUS[r.status].tone}>{STATUS[r.status].label}</Badge>,
  },
  {
    key: "factor",
    header: "Factors",
    render: (r) =>
      `${r.firstFactor}${r.verifiedFactor ? ` + ${r.verifiedFactor}` : ""}${r.failedAttempts > 0 ? ` · ${r.failedAttempts} wrong` : ""}`,
  },
  { key: "ip", header: "IP address", render: (r) => <span className="font-mono text-xs">{r.ipAddress ?? "—"}</span> },
  {
    key: "ua",
    header: "Device",
    render: (r) => <span title={r.userAgent}>{describeUserAgent(r.userAgent) || r.userAgent.slice(0, 40) || "—"}</span>,
    className: "max-w-56 truncate",
  },
  {
    key: "created",
    header: "Started",
    sort: "created",
    render: (r) => `${formatDateTime(r.createdAt)}`,
    className: "whitespace-nowrap",
  },
  {
    key: "expires",
    header: "Expires",
    sort: "expires",
    render: (r) => `${formatDateTime(r.expiresAt)} (${formatRelative(r.expiresAt)})`,
    className: "whitespace-nowrap",
  },
];

export default async function LoginSessionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const query = parseListQuery(params, pendingLoginsSpec);
  await requireStaff(`/admin/login-sessions?${listQueryParams(query, pendingLoginsSpec)}`);
  const view: ListView<(typeof pendingLoginsSpec.sorts)[number], keyof typeof pendingLoginsSpec.filters> = {
    basePath: "/admin/login-sessions",
    exportResource: "login-sessions",
    spec: pendingLoginsSpec,
    query,
  };
  const page = await listPendingLogins(query);
  return (
    <>
      <PageHeader
        title="Login sessions"
        description="Pending sign-ins between the password and the second factor: single use, bound to the IP address and browser that started them, dead after five wrong codes."
      />
      <ActionNotice params={params} />
      <ListToolbar
        view={view}
        searchLabel="username, email or IP"
        filters={[
          {
            name: "status",
            label: "Status",
            options: (Object.keys(STATUS) as PendingLoginStatus[]).map((s) => ({ value: s, label: STATUS[s].label })),
          },
          {
            name: "recent",
            label: "Started",
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
        <button type="submit" formAction={expireLoginSessionsAction} className={buttonClass("secondary")}>
          Expire selected
        </button>
        <button type="submit" formAction={deleteExpiredLoginSessionsAction} className={buttonClass("ghost")}>
          Delete all expired
        </button>
      </BulkBar>
      <DataTable
        caption="Login sessions"
        columns={columns}
        page={page}
        rowKey={(r) => r.id}
        view={view}
        selection={{
          formId: FORM,
          value: (r) => r.id,
          label: (r) => `Select the login of ${r.username} started ${formatDateTime(r.createdAt)}`,
          enabled: (r) => r.status === "pending" || r.status === "setup",
        }}
      />
      <Pagination page={page} view={view} />
    </>
  );
}
