import { ERRORS, type Failure } from "@/lib/auth/errors";

const NO_STORE = { "cache-control": "no-store" } as const;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/** The one place an error code becomes HTTP: `{"error": message, "code": code}` plus any payload. */
export function errorResponse(failure: Failure, headers: Record<string, string> = {}): Response {
  const entry = ERRORS[failure.code];
  const extra: Record<string, string> = { ...headers };
  if (failure.retryAfter !== undefined) extra["retry-after"] = String(failure.retryAfter);
  if (entry.status === 401 && !extra["www-authenticate"]) extra["www-authenticate"] = 'Bearer realm="api"';
  const body: Record<string, unknown> = {
    ...failure.body,
    error: failure.message ?? entry.message,
    code: failure.code,
  };
  if (
    failure.code === "token_not_valid" ||
    failure.code === "not_authenticated" ||
    failure.code === "api_key_invalid"
  ) {
    // SimpleJWT / DRF clients read `detail`.
    body.detail = body.error;
  }
  return json(body, entry.status, extra);
}
