import type { Metadata } from "next";
import Link from "next/link";
import { AdminActionForm, type StepUpView } from "@/components/admin/action-form";
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
import {
  backupCodesSpec,
  listBackupCodes,
  LOW_BACKUP_CODES,
  type AdminBackupCodesRow,
} from "@/lib/auth/admin/backup-codes";
import { requireStaff } from "@/lib/auth/admin/guard";
import { listQueryParams, parseListQuery, type SearchParams } from "@/lib/auth/admin/listing";
import { describeStepUp } from "@/lib/auth/admin/users";
import { siteOrigin } from "@/lib/auth/site";
import { regenerateBackupCodesAction } from "../users/actions";

export const metadata: Metadata = { title: "Backup codes" };

function columns(adminId: number, stepUp: StepUpView, site: string): Column<AdminBackupCodesRow>[] {
  return [
    userColumn(),
    {
      key: "remaining",
      header: "Remaining",
      sort: "remaining",
      render: (r) => (
        <Badge
          tone={r.remaining === 0 ? "red" : r.remaining <= LOW_BACKUP_CODES ? "amber" : "green"}
        >{`${r.remaining} left`}</Badge>
      ),
    },
    { key: "used", header: "Used", render: (r) => <span className="tabular-nums">{r.used}</span> },
    {
      key: "generated",
      header: "Generated",
      sort: "generated",
      render: (r) => formatDateTime(r.generatedAt),
      className: "whitespace-nowrap",
    },
    {
      key: "factor",
      header: "Second factor",
      render: (r) => (r.hasFactor ? <Badge tone="green">Yes</Badge> : <Badge tone="amber">No (codes unusable)</Badge>),
    },
    {
      key: "action",
      header: "Regenerate",
      className: "min-w-56",
      render: (r) =>
        r.hasFactor && r.userId !== adminId ? (
          <details className="group">
            <summary className="cursor-pointer text-sm font-semibold text-indigo-700 hover:underline dark:text-indigo-400">
              New codes for {r.username}…
            </summary>
            <div className="mt-3 w-80 max-w-full">
              <AdminActionForm
                idPrefix={`regen-${r.userId}`}
                action={regenerateBackupCodesAction}
                hidden={{ user_id: String(r.userId) }}
                submitLabel="Generate and show once"
                reason={{ label: "Reason", hint: "Required; written to the security log." }}
                stepUp={stepUp}
                site={site}
              />
            </div>
          </details>
        ) : r.userId === adminId ? (
          <Link href="/admin/account" className="text-sm text-indigo-700 hover:underline dark:text-indigo-400">
            My security
          </Link>
        ) : (
          "—"
        ),
    },
  ];
}

export default async function BackupCodesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = parseListQuery(await searchParams, backupCodesSpec);
  const admin = await requireStaff(`/admin/backup-codes?${listQueryParams(query, backupCodesSpec)}`);
  const view: ListView<(typeof backupCodesSpec.sorts)[number], keyof typeof backupCodesSpec.filters> = {
    basePath: "/admin/backup-codes",
    exportResource: "backup-codes",
    spec: backupCodesSpec,
    query,
  };
  const [page, stepUp] = await Promise.all([listBackupCodes(query), describeStepUp(admin)]);
  return (
    <>
      <PageHeader
        title="Backup codes"
        description="How many single-use codes each user has left; the codes are stored hashed and cannot be shown. New codes are displayed once, to you, for hand-over to the user."
      />
      <ListToolbar
        view={view}
        searchLabel="username or email"
        filters={[
          {
            name: "remaining",
            label: "Remaining",
            options: [
              { value: "none", label: "None left" },
              { value: "low", label: `1–${LOW_BACKUP_CODES} left` },
              { value: "ok", label: `More than ${LOW_BACKUP_CODES}` },
            ],
          },
          {
            name: "factor",
            label: "Second factor",
            options: [
              { value: "yes", label: "Has one" },
              { value: "no", label: "None" },
            ],
          },
        ]}
      />
      <DataTable
        caption="Backup codes per user"
        columns={columns(admin.id, stepUp, siteOrigin())}
        page={page}
        rowKey={(r) => String(r.userId)}
        view={view}
      />
      <Pagination page={page} view={view} />
    </>
  );
}
