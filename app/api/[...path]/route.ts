import { fail } from "@/lib/auth/errors";
import { errorResponse } from "@/lib/http/respond";

/** Unknown API paths answer JSON, not the HTML 404 page. */
const notFound = async () => errorResponse(fail("not_found"));
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
