import { checkStaffAccess, signInUrl, verifyUrl } from "@/lib/auth/admin/guard";
import type { WebUser } from "@/lib/auth/sessions/web-session";
import { fail } from "@/lib/auth/errors";
import { errorResponse } from "@/lib/http/respond";
import { route } from "@/lib/http/route";

type Context = { params: Promise<Record<string, string | string[] | undefined>> };

/**
 * Every admin route handler is wrapped in this: the same decision as requireStaff, answered the
 * HTTP way (a redirect for the browser, a 404 for non-staff), before the handler runs.
 */
export function staffRoute(handler: (request: Request, user: WebUser, context: Context) => Promise<Response>) {
  return route<Context>(async (request, context) => {
    const access = await checkStaffAccess();
    const url = new URL(request.url);
    const here = `${url.pathname}${url.search}`;
    switch (access.kind) {
      case "signed_out":
        return new Response(null, { status: 303, headers: { location: signInUrl(here), "cache-control": "no-store" } });
      case "not_staff":
        return errorResponse(fail("not_found"));
      case "needs_second_factor":
        return new Response(null, { status: 303, headers: { location: verifyUrl(here), "cache-control": "no-store" } });
      case "allowed":
        return handler(request, access.user, context);
    }
  });
}

/** 405 for the methods an admin route does not implement, behind the same guard. */
export function staffOtherMethods(allowed: string) {
  const handler = staffRoute(async () =>
    errorResponse(fail("method_not_allowed", { message: `Method not allowed; use ${allowed}` }), { allow: allowed }),
  );
  return { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler };
}
