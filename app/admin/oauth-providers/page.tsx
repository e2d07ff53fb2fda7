import type { Metadata } from "next";
import Link from "next/link";
import { ActionNotice } from "@/components/admin/notice";
import { Badge } from "@/components/admin/badge";
import {
  currentHref,
  DataTable,
  ListToolbar,
  Pagination,
  type Column,
  type ListView,
} from "@/components/admin/data-table";
import { PageHeader } from "@/components/admin/page-header";
import { buttonClass } from "@/components/ui/button";
import { requireStaff } from "@/lib/auth/admin/guard";
import { listQueryParams, parseListQuery, type SearchParams } from "@/lib/auth/admin/listing";
import { listOAuthProvidersForAdmin, oauthProvidersSpec } from "@/lib/auth/admin/oauth-providers";
import type { OAuthProviderSummary } from "@/lib/auth/oauth/providers";
import { setProviderEnabledAction } from "./actions";

export const metadata: Metadata = { title: "OAuth providers" };

const TYPE_LABEL: Record<string, string> = { github: "GitHub", google: "Google", oidc: "OpenID Connect" };

function columns(returnTo: string): Column<OAuthProviderSummary>[] {
  return [
    {
      key: "id",
      header: "Id",
      sort: "id",
      rowHeader: true,
      render: (p) =>
        p.readOnly ? (
          <code className="font-mono text-xs">{p.id}</code>
        ) : (
          <Link
            href={`/admin/oauth-providers/${p.id}`}
            className="font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-400"
          >
            {p.id}
          </Link>
        ),
    },
    { key: "name", header: "Name", sort: "name", render: (p) => p.displayName },
    { key: "type", header: "Type", sort: "type", render: (p) => TYPE_LABEL[p.type] ?? p.type },
    {
      key: "client",
      header: "Client id",
      render: (p) => <code className="font-mono text-xs">{p.clientId}</code>,
      className: "max-w-56 truncate",
    },
    {
      key: "state",
      header: "State",
      render: (p) => (
        <span className="flex flex-wrap gap-1">
          {p.enabled ? <Badge tone="green">Enabled</Badge> : <Badge>Disabled</Badge>}
          {p.source === "environment" && <Badge tone="indigo">Environment (read-only)</Badge>}
          {p.overriddenByEnvironment && <Badge tone="amber">Overridden by environment</Badge>}
        </span>
      ),
    },
    {
      key: "linked",
      header: "Linked accounts",
      sort: "linked",
      render: (p) => <span className="tabular-nums">{p.linkedAccounts}</span>,
    },
    {
      key: "actions",
      header: "Actions",
      render: (p) =>
        p.readOnly ? (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">Set in AUTH_* variables</span>
        ) : (
          <form action={setProviderEnabledAction} className="flex gap-2">
            <input type="hidden" name="id" value={p.id} />
            <input type="hidden" name="enabled" value={String(!p.enabled)} />
            <input type="hidden" name="return_to" value={returnTo} />
            <button type="submit" className={buttonClass("secondary", "px-2.5 py-1 text-xs")}>
              {p.enabled ? "Disable" : "Enable"}
            </button>
            <Link href={`/admin/oauth-providers/${p.id}`} className={buttonClass("ghost", "px-2.5 py-1 text-xs")}>
              Edit
            </Link>
          </form>
        ),
    },
  ];
}

export default async function OAuthProvidersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const query = parseListQuery(params, oauthProvidersSpec);
  await requireStaff(`/admin/oauth-providers?${listQueryParams(query, oauthProvidersSpec)}`);
  const view: ListView<(typeof oauthProvidersSpec.sorts)[number], keyof typeof oauthProvidersSpec.filters> = {
    basePath: "/admin/oauth-providers",
    exportResource: "oauth-providers",
    spec: oauthProvidersSpec,
    query,
  };
  const page = await listOAuthProvidersForAdmin(query);
  return (
    <>
      <PageHeader
        title="OAuth providers"
        description="Social sign-in providers. Client secrets are write-only and encrypted at rest; providers from environment variables are shown read-only."
        actions={
          <Link href="/admin/oauth-providers/new" className={buttonClass("primary")}>
            Add provider
          </Link>
        }
      />
      <ActionNotice params={params} />
      <ListToolbar
        view={view}
        searchLabel="id, name or client id"
        filters={[
          {
            name: "source",
            label: "Source",
            options: [
              { value: "database", label: "Admin" },
              { value: "environment", label: "Environment" },
            ],
          },
          {
            name: "state",
            label: "State",
            options: [
              { value: "enabled", label: "Enabled" },
              { value: "disabled", label: "Disabled" },
            ],
          },
          {
            name: "type",
            label: "Type",
            options: Object.entries(TYPE_LABEL).map(([value, label]) => ({ value, label })),
          },
        ]}
      />
      <DataTable
        caption="OAuth providers"
        columns={columns(currentHref(view))}
        page={page}
        rowKey={(p) => `${p.source}:${p.id}`}
        view={view}
        empty="No providers yet."
      />
      <Pagination page={page} view={view} />
    </>
  );
}
