import { Alert } from "@/components/ui/alert";
import { ERRORS, type ErrorCode } from "@/lib/auth/errors";
import { firstParam, type SearchParams } from "@/lib/auth/admin/listing";

/** Messages for ?notice=… after an action; only these texts can appear (nothing is echoed from the URL). */
const NOTICES = {
  api_keys_revoked: (n: number) => `${n} API key${n === 1 ? "" : "s"} revoked.`,
  sessions_revoked: (n: number) => `${n} session${n === 1 ? "" : "s"} revoked.`,
  login_sessions_expired: (n: number) => `${n} pending login${n === 1 ? "" : "s"} expired.`,
  login_sessions_deleted: (n: number) => `${n} expired login session${n === 1 ? "" : "s"} deleted.`,
  none_selected: () => "Select at least one row first.",
  provider_created: () => "Provider added.",
  provider_updated: () => "Provider saved.",
  provider_enabled: () => "Provider enabled.",
  provider_disabled: () => "Provider disabled.",
  provider_deleted: () => "Provider deleted.",
} as const;

export function ActionNotice({ params }: { params: SearchParams }) {
  const notice = firstParam(params, "notice");
  const count = Number(firstParam(params, "n")) || 0;
  if (notice === "error") {
    const code = firstParam(params, "code");
    const message = Object.hasOwn(ERRORS, code) ? ERRORS[code as ErrorCode].message : "The action failed.";
    return (
      <div className="mb-4">
        <Alert tone="error">{message}</Alert>
      </div>
    );
  }
  if (!Object.hasOwn(NOTICES, notice)) return null;
  return (
    <div className="mb-4">
      <Alert tone={notice === "none_selected" ? "warning" : "success"}>{NOTICES[notice as keyof typeof NOTICES](count)}</Alert>
    </div>
  );
}
