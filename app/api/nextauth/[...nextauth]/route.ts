import { fail } from "@/lib/auth/errors";
import { handleNextAuthRequest } from "@/lib/auth/oauth/nextauth";
import { socialAuthEnabled } from "@/lib/auth/oauth/providers";
import { errorResponse } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/**
 * next-auth's routes (sign-in, provider callbacks, csrf), kept apart from the lokdown API under /api/auth.
 * Not an apiRoute(): next-auth reads its own body, cookies and query and answers with redirects,
 * so there is nothing to declare, and these browser-driven routes are no part of the OpenAPI document.
 */
const handler = route(async (request) =>
  socialAuthEnabled() ? handleNextAuthRequest(request) : errorResponse(fail("social_auth_disabled")),
);

export const GET = handler;
export const POST = handler;
export const { PUT, PATCH, DELETE } = otherMethods("GET, POST");
