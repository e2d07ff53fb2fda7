import { fail } from "@/lib/auth/errors";
import { errorResponse } from "@/lib/http/respond";

/**
 * Unknown API paths answer JSON, not the HTML 404 page. Not an apiRoute(): it is no endpoint (every
 * method is a 404, never a 405), so it has nothing to declare or document.
 */
const notFound = async () => errorResponse(fail("not_found"));
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
