import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as login from "@/app/api/auth/login/route";
import * as me from "@/app/api/me/route";
import { db } from "@/lib/db";
import { settings } from "@/lib/env";
import { PEER_HEADER } from "@/lib/auth/request/client";
import { issueWebSession, SESSION_COOKIE } from "@/lib/auth/sessions/web-session";
import { routeDeclaration } from "@/lib/http/api-route";
import { MAX_BODY_BYTES } from "@/lib/http/body";
import { snapshotContents } from "../helpers/db-digest";
import { call, newClient } from "../helpers/http";
import { apiKeyAuth, createKey, enableApiKeys } from "../helpers/api-keys";
import {
  deepNesting,
  duplicateKeys,
  FIELD_NAMES,
  hostileAuthorization,
  hostileHeaderValue,
  hostileString,
  hugeString,
  INJECTIONS,
  invalidUtf8,
  malformedJson,
  notAnObject,
  numericEdges,
  objectOf,
  unstorableString,
  wrongContentType,
  wrongType,
} from "../helpers/hostile";
import { findRouteFiles, fillPattern, HTTP_METHODS, type RouteFile } from "../helpers/routes";
import { makeUser } from "../helpers/users";
import { ageProofs } from "../helpers/step-up";

/**
 * Every route handler (found on disk) and every form server action, fed hostile input: the answer
 * is a 4xx JSON error within 2 s, never a 5xx, and the database is unchanged.
 */

// Server actions and a few browser routes read cookies and headers through next/headers; in
// process there is no request scope, so the test provides one.
const scope = vi.hoisted(() => ({ cookies: new Map<string, string>(), headers: new Headers() }));
vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (scope.cookies.has(name) ? { name, value: scope.cookies.get(name) } : undefined),
    getAll: () => [...scope.cookies].map(([name, value]) => ({ name, value })),
    has: (name: string) => scope.cookies.has(name),
    set: (name: string | { name: string; value: string }, value?: string) => {
      if (typeof name === "string") scope.cookies.set(name, value ?? "");
      else scope.cookies.set(name.name, name.value);
    },
    delete: (name: string) => scope.cookies.delete(name),
  }),
  headers: async () => scope.headers,
}));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));

const TIME_LIMIT_MS = 2_000;
const RUNS_PER_HANDLER = 3;
const RUNS_PER_STUB = 1;

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type Auth = "none" | "bearer" | "api_key" | "hostile";
type Spec = {
  body?: string | Uint8Array<ArrayBuffer>;
  contentType?: string;
  declareLength?: boolean;
  auth: Auth;
  hostileAuth: string;
  query: Record<string, string>;
  params: Record<string, string>;
  headers: Record<string, string>;
};
type Fixture = { token: string; apiKey: string };

const key = (method: string, route: RouteFile) => `${method} ${route.pattern}`;

/** Reads that answer 200 to anyone by design (health, the API description, provider list). */
const PUBLIC_READS = new Set([
  "GET /api/health",
  "GET /api/health/ready",
  "GET /api/openapi.json",
  "GET /api/docs",
  "GET /api/auth/oauth/providers",
]);

/**
 * Endpoints whose body is optional or free-form, so any JSON object is a valid request: they get
 * only the classes that are not a JSON object at all. Each with the reason.
 */
const ANY_OBJECT_BODY = new Map([
  ["POST /api/auth/2fa/setup/totp", "starts enrollment; takes no fields"],
  ["POST /api/auth/2fa/passkey/setup", "starts registration; takes no fields"],
  ["POST /api/auth/passkey/login/options", "issues a challenge to anyone; takes no fields"],
  ["POST /api/auth/logout", "idempotent: unknown refresh tokens are ignored"],
  ["POST /api/auth/password/forgot", "answers the same for every address (no account enumeration)"],
]);

/** Bearer auth would end the fixture's own session here (logout by access token). */
const NO_BEARER = new Set(["POST /api/auth/logout"]);

/** Actions that take no body at all (like reads): a signed-in caller may get a 2xx whatever it sends. */
const NO_BODY = new Set(["DELETE /api/auth/sessions"]);

const inputsTried = new Map<string, number>();
const count = (label: string) => inputsTried.set(label, (inputsTried.get(label) ?? 0) + 1);
afterAll(() => {
  const total = [...inputsTried.values()].reduce((a, b) => a + b, 0);
  console.log(`[hostile-input] ${total} inputs tried: ${[...inputsTried].map(([k, v]) => `${k} ${v}`).join(", ")}`);
});

const jsonObjectCases: [string, fc.Arbitrary<Partial<Spec>>][] = [
  ["wrong types", objectOf(wrongType).map((body) => ({ body }))],
  [
    "huge strings",
    objectOf(hugeString)
      .filter((b) => Buffer.byteLength(b) <= MAX_BODY_BYTES)
      .map((body) => ({ body })),
  ],
  ["unicode and injection strings", objectOf(hostileString).map((body) => ({ body }))],
  [
    "NUL and unpaired surrogates",
    fc
      .tuple(
        objectOf(unstorableString),
        fc.dictionary(fc.constantFrom(...FIELD_NAMES, "credential_id"), unstorableString, { minKeys: 1, maxKeys: 3 }),
        unstorableString,
      )
      .map(([body, query, value]) => ({ body, query, params: { value, second: value } })),
  ],
  ["numeric edges", numericEdges.map((body) => ({ body }))],
  ["duplicate keys", duplicateKeys.map((body) => ({ body }))],
  ["deeply nested", deepNesting.map((body) => ({ body }))],
];
const notJsonObjectCases: [string, fc.Arbitrary<Partial<Spec>>][] = [
  ["malformed JSON", malformedJson.map((body) => ({ body }))],
  ["not an object", notAnObject.map((body) => ({ body }))],
  ["deeply nested arrays", deepNesting.filter((b) => b.startsWith("[")).map((body) => ({ body }))],
  ["invalid UTF-8", invalidUtf8.map((body) => ({ body }))],
  [
    "wrong content type",
    fc.tuple(objectOf(hostileString), wrongContentType).map(([body, contentType]) => ({ body, contentType })),
  ],
  [
    "oversize body",
    fc
      .tuple(fc.integer({ min: MAX_BODY_BYTES + 1, max: 2 * 1024 * 1024 }), fc.boolean())
      .map(([size, declareLength]) => ({ body: `{"username":"${"x".repeat(size)}"}`, declareLength })),
  ],
];

const common: fc.Arbitrary<Omit<Spec, "body" | "contentType" | "declareLength">> = fc.record({
  auth: fc.constantFrom<Auth>("none", "bearer", "api_key", "hostile"),
  hostileAuth: hostileAuthorization,
  query: fc.dictionary(fc.constantFrom(...FIELD_NAMES, "credential_id", "page", "q", "sort"), hostileString, {
    maxKeys: 3,
  }),
  params: fc
    .record({ value: hostileString, second: fc.constantFrom(...INJECTIONS) })
    .map(({ value, second }) => ({ value, second })),
  headers: fc.dictionary(
    fc.constantFrom("x-forwarded-for", PEER_HEADER, "user-agent", "x-forwarded-host", "cookie", "origin", "accept"),
    hostileHeaderValue,
    { maxKeys: 3 },
  ),
});

function buildRequest(
  route: RouteFile,
  method: string,
  spec: Spec,
  fixture: Fixture,
): { request: Request; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  for (const p of route.params)
    params[p.name] = p.catchAll ? [spec.params.value ?? "x", spec.params.second ?? "y"] : (spec.params.value ?? "x");
  const url = new URL(`http://localhost:3000${fillPattern(route, params)}`);
  for (const [k, v] of Object.entries(spec.query)) url.searchParams.set(k, v);
  const headers = new Headers({ [PEER_HEADER]: newClient().ip, "user-agent": "hostile-input" });
  for (const [k, v] of Object.entries(spec.headers)) headers.set(k, v);
  if (spec.auth === "bearer" && !NO_BEARER.has(key(method, route)))
    headers.set("authorization", `Bearer ${fixture.token}`);
  if (spec.auth === "api_key") headers.set("authorization", `${settings.apiKeys.authScheme} ${fixture.apiKey}`);
  if (spec.auth === "hostile") headers.set("authorization", spec.hostileAuth);
  const hasBody = method !== "GET" && spec.body !== undefined;
  if (hasBody) {
    headers.set("content-type", spec.contentType ?? "application/json");
    if (spec.contentType === "") headers.delete("content-type");
    if (spec.declareLength)
      headers.set(
        "content-length",
        String(typeof spec.body === "string" ? Buffer.byteLength(spec.body) : spec.body?.byteLength),
      );
  }
  return { request: new Request(url, { method, headers, body: hasBody ? spec.body : undefined }), params };
}

async function expectRefused(
  route: RouteFile,
  method: string,
  handler: Handler,
  spec: Spec,
  fixture: Fixture,
  label: string,
  strict: boolean,
) {
  count(label);
  const { request, params } = buildRequest(route, method, spec, fixture);
  const started = performance.now();
  const response = await handler(request, { params: Promise.resolve(params) });
  const text = await response.text();
  const elapsed = performance.now() - started;
  const where = `${key(method, route)} → ${response.status} ${text.slice(0, 200)}`;
  expect(elapsed, `${where} took ${Math.round(elapsed)} ms`).toBeLessThan(TIME_LIMIT_MS);
  expect(response.status, where).toBeLessThan(500);
  const api = route.pattern.startsWith("/api");
  const authenticatedRead =
    (method === "GET" || NO_BODY.has(key(method, route))) && (spec.auth === "bearer" || spec.auth === "api_key");
  if (strict && !(authenticatedRead && response.status < 300)) {
    // Browser routes outside /api may answer with a redirect to an error page instead.
    const acceptable =
      (response.status >= 400 && response.status < 500) || (!api && response.status >= 300 && response.status < 400);
    expect(acceptable, where).toBe(true);
  }
  if (api && response.status >= 400) {
    expect(response.headers.get("content-type"), where).toMatch(/^application\/json/);
    const body = JSON.parse(text) as { error?: unknown; code?: unknown };
    expect(typeof body.error, where).toBe("string");
    expect(typeof body.code, where).toBe("string");
  }
  // Nothing a client sent becomes a header of its own, a cookie or an off-site redirect.
  for (const [name, value] of response.headers) {
    expect(name, where).not.toMatch(/pwned|location.+evil/i);
    if (name === "set-cookie") expect(value, where).not.toMatch(/pwned/);
    if (name === "location")
      expect(new URL(value, "http://localhost:3000").origin, where).toBe("http://localhost:3000");
  }
}

async function loadRoutes(): Promise<{ route: RouteFile; method: string; handler: Handler; stub: boolean }[]> {
  const out: { route: RouteFile; method: string; handler: Handler; stub: boolean }[] = [];
  for (const route of findRouteFiles()) {
    const mod = (await import(/* @vite-ignore */ path.resolve(route.file))) as Record<string, unknown>;
    const source = readFileSync(route.file, "utf8");
    const stubs = otherMethodsIn(source);
    const declared = routeDeclaration(mod.GET)?.endpoints.map((e) => e.method as string);
    for (const method of HTTP_METHODS) {
      const handler = mod[method];
      const stub = stubs.has(method) || (declared !== undefined && !declared.includes(method));
      if (typeof handler === "function") out.push({ route, method, handler: handler as Handler, stub });
    }
  }
  return out;
}

/**
 * Methods a route answers with a 405 — those an apiRoute() does not declare, or that a route file
 * hands to otherMethods(…) — need one run each.
 */
function otherMethodsIn(source: string): Set<string> {
  const match = /export const \{([^}]*)\} = (?:otherMethods|staffOtherMethods)\(/.exec(source);
  return new Set(
    (match?.[1] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

async function setUpFixture(): Promise<Fixture> {
  enableApiKeys();
  const user = await makeUser();
  const res = await call(login.POST, "POST", "/api/auth/login", {
    body: { username: user.username, password: user.password },
  });
  expect(res.status).toBe(200);
  const token = res.json.access_token as string;
  const apiKey = (await createKey(token, { name: "hostile-input" })).api_key;
  // An old sign-in: every sensitive change now needs a proof, which hostile input never has.
  await ageProofs({}, new Date(Date.now() - 86_400_000));
  // Authenticate once so the throttled last-used write happens before the snapshot.
  expect((await call(me.GET, "GET", "/api/me", { headers: apiKeyAuth(apiKey) })).status).toBe(200);
  return { token, apiKey };
}

describe("every route handler refuses hostile input with a 4xx JSON error, fast, changing nothing", () => {
  const cases = [
    ...jsonObjectCases.map(([l, a]) => [l, a, true] as const),
    ...notJsonObjectCases.map(([l, a]) => [l, a, false] as const),
  ];
  it.each(cases)(
    "%s",
    async (label, bodies, objectShaped) => {
      const fixture = await setUpFixture();
      const routes = await loadRoutes();
      expect(routes.length).toBeGreaterThan(40);
      for (const route of new Set(routes.map((r) => r.route))) {
        const before = await snapshotContents();
        const recoveryMark = await db.user.findMany({ select: { id: true, linksRevokedAt: true, updatedAt: true } });
        for (const { method, handler, stub } of routes.filter((r) => r.route === route)) {
          const k = key(method, route);
          if (method === "GET" && !objectShaped && label !== "malformed JSON") continue;
          if (objectShaped && ANY_OBJECT_BODY.has(k)) continue;
          const strict = !PUBLIC_READS.has(k) || route.params.length > 0;
          await fc.assert(
            fc.asyncProperty(fc.tuple(common, bodies), async ([base, body]) => {
              await expectRefused(route, method, handler, { ...base, ...body }, fixture, label, strict);
            }),
            { numRuns: stub || method === "GET" ? RUNS_PER_STUB : RUNS_PER_HANDLER, endOnFailure: true },
          );
        }
        if ([...NO_BODY].some((k) => k.endsWith(` ${route.pattern}`))) {
          // Sign out everywhere is a valid request whatever the body: its one write is the recovery
          // time that ends older "This wasn't me" links (users.links_revoked_at). Put it back, so
          // that everything else is still checked unchanged.
          for (const { id, linksRevokedAt, updatedAt } of recoveryMark) {
            await db.$executeRaw`UPDATE users SET links_revoked_at = ${linksRevokedAt}, updated_at = ${updatedAt} WHERE id = ${id}`;
          }
        }
        expect(await snapshotContents(), `${route.file} changed the database`).toEqual(before);
      }
    },
    120_000,
  );
});

type Action = (...args: unknown[]) => Promise<unknown>;

function findActionFiles(dir = path.resolve("app"), out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) findActionFiles(full, out);
    else if (/(^|-)actions\.ts$/.test(entry) || (path.basename(dir) === "_actions" && entry.endsWith(".ts")))
      out.push(full);
  }
  return out.sort();
}

const FORM_FIELDS = [
  ...FIELD_NAMES,
  "expires_in_days",
  "id",
  "provider",
  "user_id",
  "credential_id",
  "remember",
] as const;
const formValue = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: unstorableString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constant(null) },
);

/**
 * A form submission nobody's browser would send: every field an action may read filled with a
 * hostile string, a file or nothing at all, some fields repeated.
 */
const hostileForm = fc
  .tuple(
    fc.tuple(...FORM_FIELDS.map((name) => fc.option(formValue, { freq: 6 }).map((v) => [name, v] as const))),
    fc.array(fc.tuple(fc.constantFrom(...FORM_FIELDS), formValue), { maxLength: 3 }),
  )
  .map(([all, repeated]) => {
    const form = new FormData();
    for (const [name, value] of [...all, ...repeated]) {
      if (value === null) form.append(name, new Blob(["' OR 1=1 --"]), "x.txt");
      else form.append(name, value);
    }
    return form;
  });

/** Where a thrown redirect() goes ("/404" for notFound() and other 4xx), or null for any other error. */
function redirectTarget(error: unknown): string | null {
  const digest = (error as { digest?: unknown }).digest;
  if (typeof digest !== "string") return null;
  if (/^NEXT_HTTP_ERROR_FALLBACK;4\d\d$/.test(digest)) return `/${digest.split(";")[1]}`;
  if (!digest.startsWith("NEXT_REDIRECT")) return null;
  return digest.split(";")[2] ?? "";
}

describe("every form server action refuses hostile form data without a 5xx, an open redirect or a change", () => {
  it.each([
    ["signed out", false],
    ["signed in", true],
  ] as const)(
    "%s",
    async (_label, signedIn) => {
      const user = await makeUser();
      scope.cookies.clear();
      if (signedIn) {
        const session = await issueWebSession(db, { userId: user.id, amr: ["pwd"], client: newClient() });
        await ageProofs({}, new Date(Date.now() - 86_400_000));
        scope.cookies.set(SESSION_COOKIE, session.token);
      }
      const cookies = new Map(scope.cookies);
      const before = await snapshotContents();
      let actions = 0;
      for (const file of findActionFiles()) {
        const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
        for (const [name, fn] of Object.entries(mod)) {
          if (typeof fn !== "function" || !/\(\s*(?:\w+\s*,\s*)?formData\b/.test(String(fn))) continue;
          actions += 1;
          await fc.assert(
            fc.asyncProperty(
              hostileForm,
              fc.constantFrom(...INJECTIONS.filter((i) => !/[\r\n\u0000]|[\ud800-\udfff]|[^\x20-\x7e]/.test(i))),
              async (form, ua) => {
                count("server actions");
                scope.cookies = new Map(cookies);
                scope.headers = new Headers({
                  [PEER_HEADER]: newClient().ip,
                  "user-agent": ua,
                  origin: "http://localhost:3000",
                  host: "localhost:3000",
                });
                const action = fn as Action;
                const started = performance.now();
                let outcome: unknown;
                try {
                  outcome = await (action.length >= 2 ? action({}, form) : action(form));
                } catch (error) {
                  const target = redirectTarget(error);
                  expect(target, `${name} in ${path.relative(".", file)} threw ${String(error)}`).not.toBeNull();
                  expect(target, `${name} redirected off-site`).toMatch(/^\/(?![/\\])/);
                  outcome = { redirect: target };
                }
                expect(performance.now() - started, name).toBeLessThan(TIME_LIMIT_MS);
                if (outcome && typeof outcome === "object" && !("redirect" in outcome)) {
                  const state = outcome as { error?: unknown };
                  expect(
                    typeof state.error,
                    `${name} accepted hostile input: ${JSON.stringify(outcome).slice(0, 200)}`,
                  ).toBe("string");
                }
              },
            ),
            { numRuns: 8, endOnFailure: true },
          );
        }
      }
      expect(actions).toBeGreaterThan(5);
      expect(await snapshotContents()).toEqual(before);
    },
    120_000,
  );
});
