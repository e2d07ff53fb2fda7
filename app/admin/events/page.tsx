import type { Metadata } from "next";
import { EventsTable } from "@/components/admin/events-table";
import { ListToolbar, Pagination, type ListView } from "@/components/admin/data-table";
import { PageHeader } from "@/components/admin/page-header";
import { requireStaff } from "@/lib/auth/admin/guard";
import { firstParam, parseListQuery, type SearchParams } from "@/lib/auth/admin/listing";
import { eventsSpec, listEventTypes, listSecurityEvents, userFilterValues } from "@/lib/auth/admin/security-events";

export const metadata: Metadata = { title: "Security events" };

export default async function EventsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  await requireStaff("/admin/events");
  const types = await listEventTypes("all");
  const spec = eventsSpec(types, userFilterValues(firstParam(params, "user")));
  const query = parseListQuery(params, spec);
  const view: ListView<"created" | "type" | "username", "type" | "recent" | "user"> = {
    basePath: "/admin/events",
    exportResource: "events",
    spec,
    query,
  };
  const page = await listSecurityEvents(query, "all");
  return (
    <>
      <PageHeader
        title="Security events"
        description={`Everything security-relevant, newest first: sign-ins, failures, factor changes, API keys and admin actions.${query.filters.user ? ` Showing one user (#${query.filters.user}).` : ""}`}
      />
      <ListToolbar
        view={view}
        searchLabel="username, IP or event type"
        filters={[
          { name: "type", label: "Event", options: types.map((t) => ({ value: t, label: t })) },
          {
            name: "recent",
            label: "When",
            options: [
              { value: "1h", label: "Last hour" },
              { value: "24h", label: "Last 24 hours" },
              { value: "7d", label: "Last 7 days" },
              { value: "30d", label: "Last 30 days" },
            ],
          },
        ]}
      />
      <EventsTable caption="Security events" page={page} view={view} />
      <Pagination page={page} view={view} />
    </>
  );
}
