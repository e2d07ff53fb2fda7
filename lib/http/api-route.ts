import { z } from "zod";
import { authorizeCronRequest } from "@/lib/auth/maintenance/cron-secret";
import { type ErrorCode, type Failure, ok, type Result } from "@/lib/auth/errors";
import {
  authenticateRequest,
  authenticateSessionRequest,
  type Principal,
  refuseApiKeyCredential,
  type SessionPrincipal,
} from "@/lib/auth/api-access/principal";
import type { Tag } from "@/lib/openapi/tags";
import { parseBody, readJsonObject, validationFailure } from "./body";
import { errorResponse } from "./respond";
import { methodNotAllowed, route } from "./route";

/**
 * The one wrapper of every JSON API route under app/api. A route declares each method it
 * implements — who may call it, its body, query and path parameters, and its documentation — and
 * gets a handler that checks all of that before its own code runs, with typed values. The same
 * declaration is what lib/openapi/document.ts turns into openapi.json, so a route is described once.
 *
 *   export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
 *     POST: endpoint({ caller: "session", body: StepUpBody, tag: "Two-factor", ... }, async ({ principal, body, request }) => ...),
 *   });
 *
 * Methods a route does not declare answer a JSON 405 with an Allow header.
 */

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * Who may call an endpoint, checked before anything else:
 * - `anyone`: no credential is read (a handler may check its own, such as the provider sign-in cookie);
 * - `anyone-but-api-key`: the same, but a request presenting an API key is refused (403
 *   `api_key_not_allowed`), so a key can never be traded for a session;
 * - `session`: a Bearer access token from a full sign-in; an API key is refused (403);
 * - `session-or-api-key`: a Bearer access token or an API key;
 * - `cron`: `Authorization: Bearer <LOKDOWN_CRON_SECRET>`; while that is unset the endpoint is a 404.
 */
export type Caller = "anyone" | "anyone-but-api-key" | "session" | "session-or-api-key" | "cron";

/** Failures each kind of caller can get before the handler runs; the document lists them. */
export const CALLER_ERRORS: Record<Caller, ErrorCode[]> = {
  anyone: [],
  "anyone-but-api-key": ["api_key_not_allowed"],
  session: ["not_authenticated", "token_not_valid", "api_key_invalid", "api_key_not_allowed"],
  "session-or-api-key": ["not_authenticated", "token_not_valid", "api_key_invalid"],
  cron: ["not_authenticated", "not_found"],
};

type PrincipalOf<C extends Caller> = C extends "session"
  ? SessionPrincipal
  : C extends "session-or-api-key"
    ? Principal
    : undefined;

/** Several accepted shapes: `pick` chooses the schema that applies to the raw JSON object. */
export type BodyChoice<S extends readonly z.ZodType[] = readonly z.ZodType[]> = {
  oneOf: S;
  pick: (raw: Record<string, unknown>) => S[number];
};

/** A body of several accepted shapes, with the rule that picks the schema for a request. */
export function oneOf<const S extends readonly z.ZodType[]>(
  schemas: S,
  pick: (raw: Record<string, unknown>) => S[number],
): BodyChoice<S> {
  return { oneOf: schemas, pick };
}

/**
 * The request body:
 * - a zod schema: a JSON object (an empty body reads as `{}`) parsed with it (lib/http/body.ts);
 * - a BodyChoice: one of several schemas, picked by the handler's rule;
 * - `"ignored"`: must be empty or a JSON object, and its content is not used;
 * - absent: the body is never read.
 */
export type BodySpec = z.ZodType | BodyChoice | "ignored";
type BodyOf<B> = B extends z.ZodType ? z.output<B> : B extends BodyChoice<infer S> ? z.output<S[number]> : undefined;

/** Query parameters: an object schema of optional strings, parsed from the first value of each key. */
export type QuerySpec = z.ZodObject;
type QueryOf<Q> = Q extends z.ZodType ? z.output<Q> : undefined;

/**
 * Path parameters, for the document (each a zod string schema with a description). The handler
 * gets the raw strings and checks them itself: an id that names nothing is that resource's 404.
 */
export type ParamsSpec = Record<string, z.ZodType>;
type ParamsOf<P> = { [K in keyof P]: string };

/** A request header an endpoint reads besides Authorization (documentation only). */
export type HeaderSpec = { name: string; description: string; required: boolean };

/** A documented answer: a JSON body schema (several: any one of them), or a non-JSON content type. */
export type ResponseSpec = { description: string; body?: z.ZodType | z.ZodType[]; contentType?: string };

export type EndpointSpec<
  C extends Caller = Caller,
  B extends BodySpec | undefined = BodySpec | undefined,
  Q extends QuerySpec | undefined = QuerySpec | undefined,
  P extends ParamsSpec = ParamsSpec,
> = {
  caller: C;
  /**
   * Checked after the caller, before the body is read: a switched-off feature answers the same
   * whatever the body says.
   */
  guard?: () => Result<unknown>;
  body?: B;
  /** Replaces the `validation_error` answer for a body that fails its schema (SimpleJWT's 401). */
  onInvalidBody?: (failure: Failure) => Failure;
  query?: Q;
  params?: P;
  headers?: HeaderSpec[];
  tag: Tag;
  operationId: string;
  summary: string;
  description?: string;
  responses: Record<number, ResponseSpec>;
  /**
   * The failures the handler (and lib/auth behind it) may answer, by catalogue code. Those of the
   * caller check and of body parsing are added by the document; list the rest.
   */
  errors?: ErrorCode[];
};

export type EndpointInput<C extends Caller, B, Q, P> = {
  request: Request;
  principal: PrincipalOf<C>;
  body: BodyOf<B>;
  query: QueryOf<Q>;
  params: ParamsOf<P>;
};

/** One method of a route: its declaration and the code that runs once the declaration is met. */
export type Endpoint = {
  spec: EndpointSpec;
  handle: (input: {
    request: Request;
    principal: unknown;
    body: unknown;
    query: unknown;
    params: Record<string, string>;
  }) => Promise<Response>;
};

/** Declares one method: `handle` runs only once the caller, guard, body and query are accepted. */
export function endpoint<
  C extends Caller,
  B extends BodySpec | undefined = undefined,
  Q extends QuerySpec | undefined = undefined,
  // biome-ignore lint/complexity/noBannedTypes: no path parameters unless declared
  P extends ParamsSpec = {},
>(spec: EndpointSpec<C, B, Q, P>, handle: (input: EndpointInput<C, B, Q, P>) => Promise<Response>): Endpoint {
  return { spec, handle: handle as Endpoint["handle"] } as Endpoint;
}

/**
 * How Next.js calls a route handler. The context is required: Next's build checks that each
 * exported handler's second parameter accepts exactly its route context, and `| undefined` fails that.
 */
export type RouteHandler = (
  request: Request,
  context: { params: Promise<Record<string, string | string[] | undefined>> },
) => Promise<Response>;

/** What a route module declares: its endpoints in the order given, each with its method. */
export type RouteDeclaration = { endpoints: (EndpointSpec & { method: HttpMethod })[] };

const declarations = new WeakMap<object, RouteDeclaration>();

/** The declaration behind a handler made by apiRoute (any of its five), or undefined. */
export function routeDeclaration(handler: unknown): RouteDeclaration | undefined {
  return typeof handler === "function" ? declarations.get(handler) : undefined;
}

function admit(caller: Caller, request: Request): Promise<Result<unknown>> | Result<unknown> {
  switch (caller) {
    case "anyone":
      return ok(undefined);
    case "anyone-but-api-key":
      return refuseApiKeyCredential(request);
    case "session":
      return authenticateSessionRequest(request);
    case "session-or-api-key":
      return authenticateRequest(request);
    case "cron":
      return authorizeCronRequest(request.headers);
  }
}

async function readBody(spec: EndpointSpec, request: Request): Promise<Result<unknown>> {
  const { body } = spec;
  if (body === undefined) return ok(undefined);
  if (body === "ignored") {
    const read = await readJsonObject(request);
    return read.ok ? ok(undefined) : read;
  }
  let parsed: Result<unknown>;
  if (body instanceof z.ZodType) parsed = await parseBody(request, body);
  else {
    const raw = await readJsonObject(request);
    if (!raw.ok) return raw;
    const result = body.pick(raw.value).safeParse(raw.value);
    parsed = result.success ? ok(result.data) : validationFailure(result.error);
  }
  if (!parsed.ok && parsed.code === "validation_error" && spec.onInvalidBody) return spec.onInvalidBody(parsed);
  return parsed;
}

function readQuery(schema: QuerySpec | undefined, request: Request): Result<unknown> {
  if (!schema) return ok(undefined);
  const search = new URL(request.url).searchParams;
  const values: Record<string, string> = {};
  // The first of repeated keys, as URLSearchParams.get reads it.
  for (const key of search.keys()) values[key] ??= search.get(key) ?? "";
  const parsed = schema.safeParse(values);
  return parsed.success ? ok(parsed.data) : validationFailure(parsed.error);
}

async function readParams(spec: EndpointSpec, context: Parameters<RouteHandler>[1]): Promise<Record<string, string>> {
  const names = Object.keys(spec.params ?? {});
  if (names.length === 0) return {};
  const raw = (await context?.params) ?? {};
  return Object.fromEntries(names.map((name) => [name, typeof raw[name] === "string" ? raw[name] : ""]));
}

async function run(endpoint: Endpoint, request: Request, context: Parameters<RouteHandler>[1]): Promise<Response> {
  const { spec } = endpoint;
  const principal = await admit(spec.caller, request);
  if (!principal.ok) return errorResponse(principal);
  const allowed = spec.guard?.() ?? ok(undefined);
  if (!allowed.ok) return errorResponse(allowed);
  const body = await readBody(spec, request);
  if (!body.ok) return errorResponse(body);
  const query = readQuery(spec.query, request);
  if (!query.ok) return errorResponse(query);
  const params = await readParams(spec, context);
  return endpoint.handle({ request, principal: principal.value, body: body.value, query: query.value, params });
}

/** The five method exports of a route module: the declared endpoints, and a JSON 405 for the rest. */
export function apiRoute(endpoints: Partial<Record<HttpMethod, Endpoint>>): Record<HttpMethod, RouteHandler> {
  // In the order written, which is the Allow header's and the document's.
  const declared = (Object.keys(endpoints) as HttpMethod[]).filter((method) => endpoints[method]);
  if (declared.length === 0) throw new Error("apiRoute needs at least one endpoint");
  const notAllowed: RouteHandler = methodNotAllowed(declared.join(", "));
  const declaration: RouteDeclaration = {
    endpoints: declared.map((method) => ({ ...(endpoints[method] as Endpoint).spec, method })),
  };
  const handlers = {} as Record<HttpMethod, RouteHandler>;
  for (const method of HTTP_METHODS) {
    const implemented = endpoints[method];
    handlers[method] = implemented
      ? route<Parameters<RouteHandler>[1]>((request, context) => run(implemented, request, context))
      : notAllowed;
    declarations.set(handlers[method], declaration);
  }
  return handlers;
}
