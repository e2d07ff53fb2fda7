import { createUserApiKey, ensureApiKeysEnabled, listUserApiKeys } from "@/lib/auth/api-keys";
import { clientFrom } from "@/lib/auth/client";
import { authenticateSessionRequest } from "@/lib/auth/principal";
import { apiKeyJson, createdApiKeyJson, CreateApiKeyBody } from "@/lib/http/api-key-schemas";
import { stepUpProof } from "@/lib/http/auth-responses";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { otherMethods, route } from "@/lib/http/route";

/** Key management needs a signed-in session: an API key cannot list or mint keys. */
export const GET = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const keys = await listUserApiKeys(principal.value.userId);
  return keys.ok ? json({ api_keys: keys.value.map(apiKeyJson) }) : errorResponse(keys);
});

export const POST = route(async (request) => {
  const principal = await authenticateSessionRequest(request);
  if (!principal.ok) return errorResponse(principal);
  const enabled = ensureApiKeysEnabled();
  if (!enabled.ok) return errorResponse(enabled);
  const body = await parseBody(request, CreateApiKeyBody);
  if (!body.ok) return errorResponse(body);
  const input = { name: body.value.name, expiresInDays: body.value.expires_in_days };
  const created = await createUserApiKey(principal.value, input, stepUpProof(body.value), clientFrom(request.headers));
  return created.ok ? json(createdApiKeyJson(created.value), 201) : errorResponse(created);
});

export const { PUT, PATCH, DELETE } = otherMethods("GET, POST");
