import { expect } from "vitest";
import * as apiKeys from "@/app/api/auth/api-keys/route";
import * as apiKey from "@/app/api/auth/api-keys/[id]/route";
import * as me from "@/app/api/me/route";
import { settings } from "@/lib/env";
import { call, newClient, type CallOptions, type Client } from "./http";
import { overrideSettings } from "./settings";

/** Turns the feature on for the current test, with any other API-key settings. */
export function enableApiKeys(patch: Partial<typeof settings.apiKeys> = {}): void {
  overrideSettings({ apiKeys: { enabled: true, ...patch } });
}

export const apiKeyAuth = (key: string): Record<string, string> => ({
  authorization: `${settings.apiKeys.authScheme} ${key}`,
});

export function listKeys(token: string, options: CallOptions = {}) {
  return call(apiKeys.GET, "GET", "/api/auth/api-keys", { ...options, token });
}

/** POST /api/auth/api-keys; without `body` the request carries `options.rawBody` (or nothing). */
export function postKey(token: string, body?: Record<string, unknown>, options: CallOptions = {}) {
  return call(apiKeys.POST, "POST", "/api/auth/api-keys", {
    ...options,
    token,
    ...(body === undefined ? {} : { body }),
  });
}

/** Creates a key and returns the 201 body; fails the test otherwise. */
export async function createKey(token: string, body: Record<string, unknown> = {}, client: Client = newClient()) {
  const res = await postKey(token, body, { client });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as {
    id: number;
    name: string;
    prefix: string;
    api_key: string;
    created_at: string;
    expires_at: string | null;
  };
}

type IdHandler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;

/** Adapts a route handler of an `[id]` segment to `call`, which passes untyped params. */
export function withIdParam(handler: IdHandler) {
  return (request: Request, context: { params: Promise<Record<string, string | string[]>> }) =>
    context.params.then((p) => handler(request, { params: Promise.resolve({ id: String(p.id) }) }));
}

export function revokeKey(id: number | string, options: CallOptions = {}) {
  return call(withIdParam(apiKey.DELETE), "DELETE", `/api/auth/api-keys/${id}`, {
    ...options,
    params: { id: String(id) },
  });
}

/** GET /api/me with an API key. */
export function meWithKey(key: string, options: CallOptions = {}) {
  return call(me.GET, "GET", "/api/me", { ...options, headers: { ...options.headers, ...apiKeyAuth(key) } });
}
