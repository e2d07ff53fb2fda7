import { createUserApiKey, ensureApiKeysEnabled, listUserApiKeys } from "@/lib/auth/api-access/api-keys";
import { clientFrom } from "@/lib/auth/request/client";
import { apiRoute, endpoint } from "@/lib/http/api-route";
import { apiKeyJson, CreateApiKeyBody, createdApiKeyJson } from "@/lib/http/api-key-schemas";
import { stepUpProof } from "@/lib/http/auth-responses";
import { errorResponse, json } from "@/lib/http/respond";
import { STEP_UP_ERRORS } from "@/lib/openapi/error-sets";
import { ApiKeyList, CreatedApiKey } from "@/lib/openapi/responses";

/** Key management needs a signed-in session: an API key cannot list or mint keys. */
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  GET: endpoint(
    {
      caller: "session",
      tag: "API keys",
      operationId: "listApiKeys",
      summary: "The caller's keys that are not revoked (expired ones show is_active: false)",
      responses: { 200: { description: "Newest first; never the key itself.", body: ApiKeyList } },
      errors: ["api_keys_disabled"],
    },
    async ({ principal }) => {
      const keys = await listUserApiKeys(principal.userId);
      return keys.ok ? json({ api_keys: keys.value.map(apiKeyJson) }) : errorResponse(keys);
    },
  ),
  POST: endpoint(
    {
      caller: "session",
      guard: ensureApiKeysEnabled,
      body: CreateApiKeyBody,
      tag: "API keys",
      operationId: "createApiKey",
      summary: "Create a key (needs step-up); the full key is shown once",
      responses: { 201: { description: "Created.", body: CreatedApiKey } },
      errors: [
        "api_keys_disabled",
        "api_key_indefinite_disabled",
        "api_key_lifespan_exceeded",
        "api_key_limit_reached",
        ...STEP_UP_ERRORS,
      ],
    },
    async ({ principal, body, request }) => {
      const input = { name: body.name, expiresInDays: body.expires_in_days };
      const created = await createUserApiKey(principal, input, stepUpProof(body), clientFrom(request.headers));
      return created.ok ? json(createdApiKeyJson(created.value), 201) : errorResponse(created);
    },
  ),
});
