import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { fail, ok } from "@/lib/auth/errors";
import { apiRoute, type Caller, endpoint, oneOf, routeDeclaration } from "@/lib/http/api-route";
import { parseBody } from "@/lib/http/body";
import { errorResponse, json } from "@/lib/http/respond";
import { apiKeyAuth, createKey, enableApiKeys } from "../helpers/api-keys";
import { call } from "../helpers/http";
import { overrideSettings } from "../helpers/settings";
import { accessTokenFor } from "../helpers/two-factor";
import { makeUser } from "../helpers/users";

/**
 * lib/http/api-route.ts: what a route declares is what it enforces, before its handler runs —
 * the caller, then a guard, then the body and query — and every other answer is the house one:
 * JSON 405 with Allow, 400/413/415 for bodies, a JSON 500 without internals.
 */

const NameBody = z.object({ name: z.string().min(1) });
const doc = {
  tag: "Meta",
  operationId: "test",
  summary: "Test endpoint.",
  responses: { 200: { description: "OK." } },
} as const;

/** A POST endpoint for `caller` that echoes what the wrapper handed it. */
function echo(caller: Caller) {
  const handler = vi.fn(async ({ principal }: { principal: unknown }) => json({ principal: principal ?? null }));
  const route = apiRoute({ POST: endpoint({ ...doc, caller }, handler) });
  return { handler, post: route.POST };
}

describe("the caller a route declares is checked before anything else", () => {
  it("session: a Bearer access token only; no credential is 401, an API key 403, both before the body is read", async () => {
    enableApiKeys();
    const user = await makeUser();
    const token = await accessTokenFor(user);
    const key = (await createKey(token, { name: "wrapper" })).api_key;
    const handler = vi.fn(
      async ({ principal, body }: { principal: { userId: number; kind: string }; body: { name: string } }) =>
        json({ user: principal.userId, kind: principal.kind, name: body.name }),
    );
    const { POST } = apiRoute({ POST: endpoint({ ...doc, caller: "session", body: NameBody }, handler) });

    const anonymous = await call(POST, "POST", "/t", { rawBody: "not json" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toMatchObject({ code: "not_authenticated" });
    expect(anonymous.headers.get("www-authenticate")).toBe('Bearer realm="api"');
    expect(
      (await call(POST, "POST", "/t", { headers: { authorization: "Bearer forged" }, body: { name: "x" } })).json.code,
    ).toBe("token_not_valid");
    const withKey = await call(POST, "POST", "/t", { headers: apiKeyAuth(key), body: {} });
    expect(withKey.status).toBe(403);
    expect(withKey.json.code).toBe("api_key_not_allowed");
    expect(handler).not.toHaveBeenCalled();

    const signedIn = await call(POST, "POST", "/t", { token, body: { name: "ok" } });
    expect(signedIn.json).toEqual({ user: user.id, kind: "access_token", name: "ok" });
  });

  it("session-or-api-key: either credential; none is 401", async () => {
    enableApiKeys();
    const token = await accessTokenFor(await makeUser());
    const key = (await createKey(token, { name: "wrapper" })).api_key;
    const { post } = echo("session-or-api-key");
    expect((await call(post, "POST", "/t")).status).toBe(401);
    expect(
      ((await call(post, "POST", "/t", { headers: apiKeyAuth(key) })).json.principal as { kind: string }).kind,
    ).toBe("api_key");
    expect(((await call(post, "POST", "/t", { token })).json.principal as { kind: string }).kind).toBe("access_token");
  });

  it("anyone-but-api-key: a request presenting an API key is 403 even when the key is not valid; others get no principal", async () => {
    enableApiKeys();
    const { handler, post } = echo("anyone-but-api-key");
    const refused = await call(post, "POST", "/t", { headers: apiKeyAuth("not-a-key") });
    expect(refused.status).toBe(403);
    expect(refused.json.code).toBe("api_key_not_allowed");
    expect(handler).not.toHaveBeenCalled();
    expect((await call(post, "POST", "/t", { headers: { authorization: "Bearer whatever" } })).json).toEqual({
      principal: null,
    });
  });

  it("anyone: no credential is read", async () => {
    enableApiKeys();
    const { post } = echo("anyone");
    expect((await call(post, "POST", "/t", { headers: apiKeyAuth("not-a-key") })).json).toEqual({ principal: null });
  });

  it("cron: 404 while LOKDOWN_CRON_SECRET is unset, 401 with a wrong secret", async () => {
    const { handler, post } = echo("cron");
    const secret = "a-cron-secret-of-at-least-32-characters";
    expect((await call(post, "POST", "/t", { headers: { authorization: `Bearer ${secret}` } })).status).toBe(404);
    overrideSettings({ cleanup: { cronSecret: secret } });
    expect((await call(post, "POST", "/t", { headers: { authorization: "Bearer wrong" } })).json.code).toBe(
      "not_authenticated",
    );
    expect(handler).not.toHaveBeenCalled();
    expect((await call(post, "POST", "/t", { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
  });
});

describe("the body, guard and query a route declares", () => {
  it("answers a body that fails its schema exactly as parseBody does", async () => {
    const { POST } = apiRoute({
      POST: endpoint({ ...doc, caller: "anyone", body: NameBody }, async ({ body }) => json(body)),
    });
    for (const options of [
      { body: { name: "" } },
      { body: { other: 1 } },
      { rawBody: "{" },
      { rawBody: "[1]" },
      { body: {}, headers: { "content-type": "text/plain" } },
    ]) {
      const wrapped = await call(POST, "POST", "/t", options);
      const direct = await call(
        async (request) => {
          const parsed = await parseBody(request, NameBody);
          return parsed.ok ? json(parsed.value) : errorResponse(parsed);
        },
        "POST",
        "/t",
        options,
      );
      expect(wrapped.status).toBeGreaterThanOrEqual(400);
      expect([wrapped.status, wrapped.text]).toEqual([direct.status, direct.text]);
    }
    const invalid = await call(POST, "POST", "/t", { body: { name: 5 } });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toEqual({
      name: ["Invalid input: expected string, received number"],
      error: "name: Invalid input: expected string, received number",
      code: "validation_error",
    });
    expect((await call(POST, "POST", "/t", { body: { name: "ok" } })).json).toEqual({ name: "ok" });
  });

  it("checks the guard after the caller and before the body; onInvalidBody replaces a validation error", async () => {
    let enabled = false;
    const { POST } = apiRoute({
      POST: endpoint(
        {
          ...doc,
          caller: "anyone",
          guard: () => (enabled ? ok(undefined) : fail("api_keys_disabled")),
          body: NameBody,
          onInvalidBody: (failure) => fail("token_request_invalid", { message: failure.message }),
        },
        async () => json({}),
      ),
    });
    expect((await call(POST, "POST", "/t", { rawBody: "{" })).json.code).toBe("api_keys_disabled");
    enabled = true;
    const replaced = await call(POST, "POST", "/t", { body: {} });
    expect(replaced.status).toBe(401);
    expect(replaced.json.code).toBe("token_request_invalid");
    expect(
      (await call(POST, "POST", "/t", { rawBody: "{", headers: { "content-type": "application/json" } })).json.code,
    ).toBe("invalid_json");
  });

  it("an ignored body must still be empty or a JSON object; oneOf parses with the schema its rule picks", async () => {
    const ignored = apiRoute({
      POST: endpoint({ ...doc, caller: "anyone", body: "ignored" }, async ({ body }) => json({ body: body ?? null })),
    });
    expect((await call(ignored.POST, "POST", "/t")).json).toEqual({ body: null });
    expect((await call(ignored.POST, "POST", "/t", { body: { anything: 1 } })).json).toEqual({ body: null });
    expect(
      (await call(ignored.POST, "POST", "/t", { rawBody: "[]", headers: { "content-type": "application/json" } })).json
        .code,
    ).toBe("invalid_json");

    const Token = z.object({ token: z.string() });
    const choice = apiRoute({
      POST: endpoint(
        { ...doc, caller: "anyone", body: oneOf([NameBody, Token], (raw) => ("token" in raw ? Token : NameBody)) },
        async ({ body }) => json("token" in body ? { token: body.token } : { name: body.name }),
      ),
    });
    expect((await call(choice.POST, "POST", "/t", { body: { token: "t" } })).json).toEqual({ token: "t" });
    expect((await call(choice.POST, "POST", "/t", { body: { name: "n" } })).json).toEqual({ name: "n" });
    expect((await call(choice.POST, "POST", "/t", { body: { token: 1 } })).json.code).toBe("validation_error");
  });

  it("hands over the query (the first of repeated keys) and the raw path parameters", async () => {
    const { GET } = apiRoute({
      GET: endpoint(
        { ...doc, caller: "anyone", query: z.object({ q: z.string().optional() }), params: { id: z.string() } },
        async ({ query, params }) => json({ q: query.q ?? null, id: params.id }),
      ),
    });
    const res = await call(GET, "GET", "/t/abc?q=first&q=second", { params: { id: "abc" } });
    expect(res.json).toEqual({ q: "first", id: "abc" });
  });
});

describe("every other answer", () => {
  it("is a JSON 405 naming the declared methods in Allow, for each method not declared", async () => {
    const route = apiRoute({
      GET: endpoint({ ...doc, caller: "anyone" }, async () => json({})),
      DELETE: endpoint({ ...doc, caller: "anyone" }, async () => json({})),
    });
    for (const method of ["POST", "PUT", "PATCH"] as const) {
      const res = await call(route[method], method, "/t");
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, DELETE");
      expect(res.json).toEqual({ error: "Method not allowed; use GET, DELETE", code: "method_not_allowed" });
    }
    expect(routeDeclaration(route.PUT)?.endpoints.map((e) => e.method)).toEqual(["GET", "DELETE"]);
  });

  it("turns a handler's unexpected error into a JSON 500 without internals, and an unreachable database into a 503", async () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    let error: Error = new Error("secret detail: password=hunter2");
    const { POST } = apiRoute({
      POST: endpoint({ ...doc, caller: "anyone" }, async () => {
        throw error;
      }),
    });
    const res = await call(POST, "POST", "/t");
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: expect.any(String), code: "internal_error" });
    expect(res.text).not.toContain("hunter2");
    error = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "P1001" });
    const unavailable = await call(POST, "POST", "/t");
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("retry-after")).toBe("5");
    expect(unavailable.json.code).toBe("database_unavailable");
    quiet.mockRestore();
  });
});
