import type { Metadata } from "next";
import { EventsTable } from "@/components/admin/events-table";
import { ListToolbar, Pagination, type ListView } from "@/components/admin/data-table";
import { PageHeader } from "@/components/admin/page-header";
import { requireStaff } from "@/lib/auth/admin/guard";
import { firstParam, parseListQuery, type SearchParams } from "@/lib/auth/admin/listing";
import {
  eventsSpec,
  FAILED_ATTEMPT_EVENTS,
  listSecurityEvents,
  userFilterValues,
} from "@/lib/auth/admin/security-events";

export const metadata: Metadata = { title: "Failed attempts" };

const LABELS: Record<string, string> = {
  "login.failed": "Wrong password",
  "totp.failed": "Wrong authenticator code",
  "backup_code.failed": "Wrong backup code",
  "passkey.failed": "Passkey refused",
  "login.2fa_failed": "Second step failed",
};

export default async function FailedAttemptsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  await requireStaff("/admin/failed-attempts");
  const spec = eventsSpec(FAILED_ATTEMPT_EVENTS, userFilterValues(firstParam(params, "user")));
  const query = parseListQuery(params, spec);
  const view: ListView<"created" | "type" | "username", "type" | "recent" | "user"> = {
    basePath: "/admin/failed-attempts",
    exportResource: "failed-attempts",
    spec,
    query,
  };
  const page = await listSecurityEvents(query, "failed");
  return (
    <>
      <PageHeader
        title="Failed attempts"
        description="Wrong passwords and refused second factors, with the address and browser they came from. Codes that were tried are never stored."
      />
      <ListToolbar
        view={view}
        searchLabel="username or IP"
        filters={[
          {
            name: "type",
            label: "Kind",
            options: FAILED_ATTEMPT_EVENTS.map((t) => ({ value: t, label: LABELS[t] ?? t })),
          },
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
      <EventsTable caption="Failed attempts" page={page} view={view} />
      <Pagination page={page} view={view} />
    </>
  );
}
