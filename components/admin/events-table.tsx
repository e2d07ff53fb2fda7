import Link from "next/link";
import { Badge, type BadgeTone } from "./badge";
import { DataTable, type Column, type ListView } from "./data-table";
import { formatDateTime, formatRelative } from "./format";
import type { ListPage } from "@/lib/auth/admin/listing";
import type { AdminEventRow } from "@/lib/auth/admin/security-events";

function toneOf(type: string): BadgeTone {
  if (type.endsWith(".failed") || type.endsWith("_locked") || type.endsWith("_reuse") || type.endsWith("rate_limited"))
    return "red";
  if (type.startsWith("admin.")) return "indigo";
  if (type.endsWith(".succeeded") || type.endsWith(".enabled") || type.endsWith(".added") || type.endsWith("_verified"))
    return "green";
  return "zinc";
}

const columns: Column<AdminEventRow>[] = [
  {
    key: "created",
    header: "When",
    sort: "created",
    rowHeader: true,
    render: (r) => <span title={formatRelative(r.createdAt)}>{formatDateTime(r.createdAt)}</span>,
    className: "whitespace-nowrap font-normal",
  },
  { key: "type", header: "Event", sort: "type", render: (r) => <Badge tone={toneOf(r.type)}>{r.type}</Badge> },
  {
    key: "user",
    header: "User",
    sort: "username",
    render: (r) =>
      r.userId !== null ? (
        <Link href={`/admin/users/${r.userId}`} className="text-indigo-700 hover:underline dark:text-indigo-400">
          {r.username ?? `#${r.userId}`}
        </Link>
      ) : (
        <span className="text-zinc-500 dark:text-zinc-400">—</span>
      ),
  },
  { key: "ip", header: "IP address", render: (r) => <span className="font-mono text-xs">{r.ipAddress ?? "—"}</span> },
  {
    key: "ua",
    header: "User agent",
    render: (r) => <span title={r.userAgent}>{r.userAgent || "—"}</span>,
    className: "max-w-56 truncate",
  },
  {
    key: "details",
    header: "Details",
    render: (r) => (
      <span className="break-words font-mono text-xs text-zinc-600 dark:text-zinc-400">{r.details || "—"}</span>
    ),
    className: "max-w-md",
  },
];

export function EventsTable<S extends string, F extends string>({
  caption,
  page,
  view,
}: {
  caption: string;
  page: ListPage<AdminEventRow>;
  view: ListView<S, F>;
}) {
  return (
    <DataTable
      caption={caption}
      columns={columns}
      page={page}
      rowKey={(r) => r.id}
      view={view}
      empty="No events match."
    />
  );
}
