import { Alert } from "@/components/ui/alert";
import { ERRORS, type ErrorCode } from "@/lib/auth/errors";
import { firstParam, type SearchParams } from "@/lib/auth/admin/listing";
import { NOTICES } from "./notices";

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
      <Alert tone={notice === "none_selected" ? "warning" : "success"}>
        {NOTICES[notice as keyof typeof NOTICES](count)}
      </Alert>
    </div>
  );
}
