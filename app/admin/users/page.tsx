import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/admin/badge";
import { DataTable, ListToolbar, Pagination, type Column, type ListView } from "@/components/admin/data-table";
import { formatDate, formatDateTime } from "@/components/admin/format";
import { PageHeader } from "@/components/admin/page-header";
import { requireStaff } from "@/lib/auth/admin/guard";
import { listQueryParams, parseListQuery, type SearchParams } from "@/lib/auth/admin/listing";
import { listUsers, usersSpec, type AdminUserRow } from "@/lib/auth/admin/users";

export const metadata: Metadata = { title: "Users" };

const columns: Column<AdminUserRow>[] = [
  {
    key: "username",
    header: "Username",
    sort: "username",
    rowHeader: true,
    render: (u) => (
      <Link href={`/admin/users/${u.id}`} className="text-indigo-700 hover:underline dark:text-indigo-400">
        {u.username}
      </Link>
    ),
  },
  { key: "email", header: "Email", sort: "email", render: (u) => u.email, className: "max-w-64 truncate" },
  {
    key: "flags",
    header: "Status",
    render: (u) => (
      <span className="flex flex-wrap gap-1">
        {u.isStaff && <Badge tone="indigo">Staff</Badge>}
        {u.isActive ? <Badge tone="green">Active</Badge> : <Badge tone="red">Inactive</Badge>}
      </span>
    ),
  },
  {
    key: "factors",
    header: "Second factors",
    render: (u) =>
      u.totp || u.passkeys > 0 ? (
        <span className="flex flex-wrap gap-1">
          {u.totp && <Badge tone="green">TOTP</Badge>}
          {u.passkeys > 0 && <Badge tone="green">{u.passkeys === 1 ? "1 passkey" : `${u.passkeys} passkeys`}</Badge>}
        </span>
      ) : (
        <Badge tone={u.isStaff ? "red" : "amber"}>None</Badge>
      ),
  },
  {
    key: "codes",
    header: "Backup codes",
    render: (u) =>
      u.totp || u.passkeys > 0 ? <span className="tabular-nums">{u.backupCodesRemaining} left</span> : "—",
  },
  {
    key: "last_login",
    header: "Last sign-in",
    sort: "last_login",
    render: (u) => formatDateTime(u.lastLoginAt),
    className: "whitespace-nowrap",
  },
  {
    key: "created",
    header: "Joined",
    sort: "created",
    render: (u) => formatDate(u.createdAt),
    className: "whitespace-nowrap",
  },
];

export default async function UsersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const query = parseListQuery(params, usersSpec);
  const view: ListView<(typeof usersSpec.sorts)[number], keyof typeof usersSpec.filters> = {
    basePath: "/admin/users",
    exportResource: "users",
    spec: usersSpec,
    query,
  };
  await requireStaff(`/admin/users?${listQueryParams(query, usersSpec)}`);
  const page = await listUsers(query);
  return (
    <>
      <PageHeader
        title="Users"
        description="Accounts with their staff and active flags, second factors and last sign-in. Open a user to reset their 2FA, hand over new backup codes, deactivate them or change staff access."
      />
      <ListToolbar
        view={view}
        searchLabel="username or email"
        filters={[
          {
            name: "role",
            label: "Role",
            options: [
              { value: "staff", label: "Staff" },
              { value: "regular", label: "Regular" },
            ],
          },
          {
            name: "status",
            label: "Status",
            options: [
              { value: "active", label: "Active" },
              { value: "inactive", label: "Inactive" },
            ],
          },
          {
            name: "twofa",
            label: "2FA",
            options: [
              { value: "on", label: "On" },
              { value: "off", label: "Off" },
              { value: "totp", label: "Has TOTP" },
              { value: "passkey", label: "Has passkey" },
            ],
          },
        ]}
      />
      <DataTable caption="Users" columns={columns} page={page} rowKey={(u) => String(u.id)} view={view} />
      <Pagination page={page} view={view} />
    </>
  );
}
