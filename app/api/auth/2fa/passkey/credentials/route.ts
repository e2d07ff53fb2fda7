import { listUserPasskeys } from "@/lib/auth/passkeys/user-passkeys";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { passkeyJson } from "@/lib/http/passkey-schemas";
import { json } from "@/lib/http/respond";
import { PasskeyList } from "@/lib/openapi/responses";

/** The caller's passkeys (django-lokdown's keys plus name, transports, device type, backup state). */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "session",
      tag: "Passkeys",
      operationId: "listPasskeys",
      summary: "The caller's passkeys",
      responses: { 200: { description: "Oldest first.", body: PasskeyList } },
    },
    async ({ principal }) => json((await listUserPasskeys(principal.userId)).map(passkeyJson)),
  ),
});
