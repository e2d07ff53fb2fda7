import { z } from "zod";
import { ERRORS, type ErrorCode } from "@/lib/auth/errors";
import * as accountSchemas from "@/lib/http/account-schemas";
import { type Caller, CALLER_ERRORS, type EndpointSpec, type HttpMethod, routeDeclaration } from "@/lib/http/api-route";
import * as apiKeySchemas from "@/lib/http/api-key-schemas";
import * as passkeySchemas from "@/lib/http/passkey-schemas";
import * as coreSchemas from "@/lib/http/schemas";
import pkg from "@/package.json" with { type: "json" };
import { API_ROUTES } from "./api-routes";
import * as responseSchemas from "./responses";
import { TAGS } from "./tags";

/**
 * Builds the OpenAPI 3.1 document from the endpoints the route modules declare (lib/http/api-route.ts).
 * Component schemas come from z.toJSONSchema of the very zod schemas the handlers validate with
 * (request side: their input type), named by their export names, so there is no second description
 * of a request body to drift. It depends on no setting, so the committed openapi.json is the same
 * on every machine.
 */

type JsonObject = Record<string, unknown>;
export type OpenApiDocument = JsonObject & { openapi: "3.1.0"; paths: Record<string, Record<string, JsonObject>> };

/** One documented operation: a route's declaration of one method, where it lives, and every failure it may answer. */
export type ApiOperation = EndpointSpec & { method: Lowercase<HttpMethod>; path: string; allErrors: ErrorCode[] };

const REQUEST_MODULES = [coreSchemas, passkeySchemas, apiKeySchemas, accountSchemas];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Names every exported zod schema of a module by its export name. */
function collect(modules: object[], into: Map<z.ZodType, string>): void {
  for (const mod of modules) {
    for (const [name, value] of Object.entries(mod)) {
      if (value instanceof z.ZodType && !into.has(value)) into.set(value, name);
    }
  }
}

const toJsonSchema = (schema: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  }) as JsonObject;
  return rest;
};

function componentSchemas(names: Map<z.ZodType, string>, io: "input" | "output"): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of names) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  });
  const out: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
    out[id] = rest;
  }
  return out;
}

function bodySchema(body: z.ZodType | readonly z.ZodType[], names: Map<z.ZodType, string>): JsonObject {
  const one = (schema: z.ZodType) => {
    const name = names.get(schema);
    if (!name)
      throw new Error(
        "an endpoint uses a schema that is not exported from lib/http/*schemas.ts or lib/openapi/responses.ts",
      );
    return ref(name);
  };
  return Array.isArray(body) ? { oneOf: body.map(one) } : one(body as z.ZodType);
}

const SECURITY: Record<Caller, JsonObject[]> = {
  anyone: [],
  "anyone-but-api-key": [],
  session: [{ bearerAuth: [] }],
  "session-or-api-key": [{ bearerAuth: [] }, { apiKeyAuth: [] }],
  cron: [],
};

/** What a cron caller sends, since it is no security scheme of the API. */
const CRON_HEADER = { name: "authorization", description: "`Bearer <LOKDOWN_CRON_SECRET>`.", required: true };

/** The failures reading the body can answer (lib/http/body.ts); a replaced validation_error is the endpoint's own. */
function bodyErrors(spec: EndpointSpec): ErrorCode[] {
  if (spec.body === undefined) return [];
  const reading: ErrorCode[] = ["invalid_json", "unsupported_media_type", "payload_too_large"];
  return spec.onInvalidBody ? reading : ["validation_error", ...reading];
}

function parameters(spec: EndpointSpec): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [name, schema] of Object.entries(spec.params ?? {})) {
    const { description, ...rest } = toJsonSchema(schema);
    out.push({ name, in: "path", description, required: true, schema: rest });
  }
  if (spec.query) {
    const { properties = {}, required = [] } = toJsonSchema(spec.query) as {
      properties?: Record<string, JsonObject>;
      required?: string[];
    };
    for (const [name, { description, ...rest }] of Object.entries(properties)) {
      out.push({ name, in: "query", description, required: required.includes(name), schema: rest });
    }
  }
  for (const header of [...(spec.headers ?? []), ...(spec.caller === "cron" ? [CRON_HEADER] : [])]) {
    out.push({
      name: header.name,
      in: "header",
      description: header.description,
      required: header.required,
      schema: { type: "string" },
    });
  }
  return out;
}

function requestBody(spec: EndpointSpec, requestNames: Map<z.ZodType, string>): JsonObject | undefined {
  const { body } = spec;
  if (body === undefined) return undefined;
  if (body === "ignored")
    return {
      required: false,
      content: { "application/json": { schema: { type: "object", description: "Ignored; may be empty." } } },
    };
  const schemas = body instanceof z.ZodType ? [body] : [...body.oneOf];
  // An empty body reads as {}: a schema that accepts {} makes the body optional.
  const required = !schemas.some((s) => s.safeParse({}).success);
  return {
    required,
    content: {
      "application/json": { schema: bodySchema(body instanceof z.ZodType ? body : body.oneOf, requestNames) },
    },
  };
}

function operationObject(
  op: ApiOperation,
  requestNames: Map<z.ZodType, string>,
  responseNames: Map<z.ZodType, string>,
): JsonObject {
  const responses: Record<string, JsonObject> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    const content = r.body
      ? { "application/json": { schema: bodySchema(r.body, responseNames) } }
      : { [r.contentType ?? "application/json"]: {} };
    responses[status] = { description: r.description, content };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of op.allErrors) {
    const status = ERRORS[code].status;
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    if (responses[status]) continue;
    const description = codes.map((c) => `\`${c}\`: ${ERRORS[c].message}`).join("; ");
    responses[status] = { description, content: { "application/json": { schema: ref("ErrorBody") } } };
  }
  responses.default = {
    description: "Unexpected failure: `internal_error` (500) or `database_unavailable` (503, with Retry-After).",
    content: { "application/json": { schema: ref("ErrorBody") } },
  };

  const operation: JsonObject = { tags: [op.tag], operationId: op.operationId, summary: op.summary };
  if (op.description) operation.description = op.description;
  const params = parameters(op);
  if (params.length > 0) operation.parameters = params;
  const body = requestBody(op, requestNames);
  if (body) operation.requestBody = body;
  operation.security = SECURITY[op.caller];
  operation.responses = responses;
  return operation;
}

/** Every endpoint the route modules declare, in API_ROUTES order. */
export function apiOperations(routes = API_ROUTES): ApiOperation[] {
  return routes.flatMap(({ path, module }) => {
    const declaration = routeDeclaration(module.GET ?? module.POST);
    if (!declaration) throw new Error(`${path}: its route module does not export handlers made by apiRoute()`);
    return declaration.endpoints.map(({ method, ...spec }) => ({
      ...spec,
      method: method.toLowerCase() as Lowercase<HttpMethod>,
      path,
      allErrors: [...new Set([...bodyErrors(spec), ...(spec.errors ?? []), ...CALLER_ERRORS[spec.caller]])],
    }));
  });
}

/** The whole document. Pure and deterministic. */
export function buildOpenApiDocument(routes = API_ROUTES): OpenApiDocument {
  const requestNames = new Map<z.ZodType, string>();
  collect(REQUEST_MODULES, requestNames);
  const responseNames = new Map<z.ZodType, string>();
  collect([responseSchemas], responseNames);
  for (const schema of requestNames.keys()) responseNames.delete(schema);

  const requests = componentSchemas(requestNames, "input");
  const responses = componentSchemas(responseNames, "output");
  for (const name of Object.keys(responses))
    if (requests[name]) throw new Error(`schema name ${name} is used for a request and a response`);

  const paths: OpenApiDocument["paths"] = {};
  for (const op of apiOperations(routes)) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.path} is declared twice`);
    item[op.method] = operationObject(op, requestNames, responseNames);
  }
  const schemas = Object.fromEntries(
    Object.entries({ ...requests, ...responses }).sort(([a], [b]) => a.localeCompare(b)),
  );

  return {
    openapi: "3.1.0",
    info: {
      title: "next-lokdown API",
      version: pkg.version,
      description:
        "Sign-in with passwords, TOTP, passkeys and backup codes; JWT sessions and API keys. Wire-compatible with django-lokdown 1.4.1 " +
        '(same paths, JSON keys and statuses; every error is `{"error", "code"}`). next-auth\'s own routes under /api/nextauth/* ' +
        "(provider sign-in and callbacks, driven by the browser) are not part of this API.",
      license: { name: "MIT", identifier: "MIT" },
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    // In API_ROUTES order, which reads as a guide: sign-in first.
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "Access token from a sign-in: `Authorization: Bearer <token>`.",
        },
        apiKeyAuth: {
          type: "apiKey",
          in: "header",
          name: "Authorization",
          description:
            "`Authorization: Api-Key <key>` (the keyword is LOKDOWN_API_KEY_AUTH_SCHEME, default Api-Key). Only where listed: key management, 2FA and passkey changes refuse API keys.",
        },
      },
    },
  };
}
