import { clientFrom } from "@/lib/auth/client";
import { renameUserPasskey } from "@/lib/auth/passkeys";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { parseBody } from "@/lib/http/body";
import { PasskeyRenameBody, passkeyJson } from "@/lib/http/passkey-schemas";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

type Context = { params: Promise<{ id: string }> };

/** Renames one of the caller's passkeys; another user's id answers 404. */
export const PATCH = route<Context>(async (request, context) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const body = await parseBody(request, PasskeyRenameBody);
  if (!body.ok) return errorResponse(body);
  const { id } = await context.params;
  const passkeyId = /^\d{1,15}$/.test(id) ? Number(id) : -1;
  const result = await renameUserPasskey(principal.value.userId, passkeyId, body.value.name, clientFrom(request.headers));
  return result.ok ? json(passkeyJson(result.value)) : errorResponse(result);
});

export const { GET, POST, PUT, DELETE } = otherMethods("PATCH");
