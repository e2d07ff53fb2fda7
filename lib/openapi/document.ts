import { z } from "zod";
import { ERRORS, type ErrorCode } from "@/lib/auth/errors";
import * as accountSchemas from "@/lib/http/account-schemas";
import * as apiKeySchemas from "@/lib/http/api-key-schemas";
import * as passkeySchemas from "@/lib/http/passkey-schemas";
import * as coreSchemas from "@/lib/http/schemas";
import pkg from "@/package.json" with { type: "json" };
import { OPERATIONS, TAGS, type Auth, type Body, type Operation } from "./operations";
import * as responseSchemas from "./responses";

/**
 * Builds the OpenAPI 3.1 document from OPERATIONS. Component schemas come from z.toJSONSchema of
 * the very zod schemas the handlers validate with (request side: their input type), so there is
 * no second description of a request body to drift. It depends on no setting, so the committed
 * openapi.json is the same on every machine.
 */

type JsonObject = Record<string, unknown>;
export type OpenApiDocument = JsonObject & { openapi: "3.1.0"; paths: Record<string, Record<string, JsonObject>> };

const REQUEST_MODULES = [coreSchemas, passkeySchemas, apiKeySchemas, accountSchemas];
/** Field descriptions, where the schema itself carries none. Documentation only; types come from zod. */
const FIELD_DOCS: Record<string, Record<string, string>> = {
  LoginBody: { username: "Username or e-mail address (case-insensitive)." },
  VerifyBody: {
    session_id: "From the sign-in answer.",
    totp_token: "Six-digit code from the authenticator app.",
    backup_code: "One unused backup code.",
    passkey_response: "navigator.credentials.get() result as WebAuthn JSON (an object, or a JSON string of one).",
  },
  StepUpBody: { password: "The account password.", totp_token: "A current TOTP code.", backup_code: "An unused backup code (it is spent)." },
  CreateApiKeyBody: {
    name: "Label, up to 255 characters.",
    expires_in_days: "Whole number of days (1–36500), or a string of one; omit or null for a key that never expires (when allowed).",
    password: "Step-up proof: the account password.",
    totp_token: "Step-up proof: a current TOTP code.",
    backup_code: "Step-up proof: an unused backup code (it is spent).",
  },
  PasskeyVerifyBody: {
    session_id: "The session_id that came with the registration options.",
    passkey_response: "navigator.credentials.create() result as WebAuthn JSON.",
    name: "Optional label for the passkey.",
  },
  PasskeyLoginBody: { session_id: "The session_id that came with the options.", passkey_response: "navigator.credentials.get() result as WebAuthn JSON." },
  PasskeyRemoveBody: { credential_id: "The credential to remove, if not given in the query." },
  RefreshBody: { refresh: "The refresh token.", refresh_token: "Alias of `refresh`." },
  ChangePasswordBody: {
    new_password: "At least 8 characters, not common, not like the username.",
    keep_other_sessions: "Keep the account's other sessions signed in (default false).",
    password: "Step-up proof: the current password.",
    totp_token: "Step-up proof: a current TOTP code.",
    backup_code: "Step-up proof: an unused backup code (it is spent).",
  },
  ReauthenticateBody: { password: "The account password.", totp_token: "A current TOTP code.", backup_code: "An unused backup code (it is spent)." },
  ResetPasswordBody: { token: "The token from the e-mailed link." },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Names every exported zod schema of a module by its export name. */
function collect(modules: object[], into: Map<z.ZodType, string>): void {
  for (const mod of modules) {
    for (const [name, value] of Object.entries(mod)) {
      if (value instanceof z.ZodType && !into.has(value)) into.set(value, name);
    }
  }
}

function componentSchemas(names: Map<z.ZodType, string>, io: "input" | "output"): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of names) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", io, unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` });
  const out: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
    const props = rest.properties as Record<string, JsonObject> | undefined;
    for (const [field, description] of Object.entries(FIELD_DOCS[id] ?? {})) {
      const prop = props?.[field];
      if (!prop) throw new Error(`FIELD_DOCS names ${id}.${field}, which the schema does not have`);
      prop.description ??= description;
    }
    out[id] = rest;
  }
  return out;
}

function bodySchema(body: Body, names: Map<z.ZodType, string>): JsonObject {
  const one = (schema: z.ZodType) => {
    const name = names.get(schema);
    if (!name) throw new Error("an operation uses a schema that is not exported from lib/http/*schemas.ts or lib/openapi/responses.ts");
    return ref(name);
  };
  return Array.isArray(body) ? { oneOf: body.map(one) } : one(body);
}

const SECURITY: Record<Auth, JsonObject[] | undefined> = {
  none: [],
  session: [{ bearerAuth: [] }],
  any: [{ bearerAuth: [] }, { apiKeyAuth: [] }],
};

/** Failures every operation with this kind of authentication can answer. */
export const AUTH_ERRORS: Record<Auth, ErrorCode[]> = {
  none: [],
  session: ["not_authenticated", "token_not_valid", "api_key_invalid", "api_key_not_allowed"],
  any: ["not_authenticated", "token_not_valid", "api_key_invalid"],
};

function operationObject(op: Operation, requestNames: Map<z.ZodType, string>, responseNames: Map<z.ZodType, string>): JsonObject {
  const responses: Record<string, JsonObject> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    const content = r.body ? { "application/json": { schema: bodySchema(r.body, responseNames) } } : { [r.contentType ?? "application/json"]: {} };
    responses[status] = { description: r.description, content };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...(op.errors ?? []), ...AUTH_ERRORS[op.auth]]) {
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
  responses.default = { description: "Unexpected failure: `internal_error` (500) or `database_unavailable` (503, with Retry-After).", content: { "application/json": { schema: ref("ErrorBody") } } };

  const operation: JsonObject = { tags: [op.tag], operationId: op.operationId, summary: op.summary };
  if (op.description) operation.description = op.description;
  if (op.parameters) operation.parameters = op.parameters;
  if (op.body) {
    operation.requestBody = { required: !op.bodyOptional, content: { "application/json": { schema: bodySchema(op.body, requestNames) } } };
  } else if (op.bodyOptional) {
    operation.requestBody = { required: false, content: { "application/json": { schema: { type: "object", description: "Ignored; may be empty." } } } };
  }
  operation.security = SECURITY[op.auth];
  operation.responses = responses;
  return operation;
}

/** The whole document. Pure and deterministic. */
export function buildOpenApiDocument(operations: Operation[] = OPERATIONS): OpenApiDocument {
  const requestNames = new Map<z.ZodType, string>();
  collect(REQUEST_MODULES, requestNames);
  collect([{ TokenVerifyBody: responseSchemas.TokenVerifyBody, LogoutBody: responseSchemas.LogoutBody }], requestNames);
  const responseNames = new Map<z.ZodType, string>();
  collect([responseSchemas], responseNames);
  for (const schema of requestNames.keys()) responseNames.delete(schema);

  const requests = componentSchemas(requestNames, "input");
  const responses = componentSchemas(responseNames, "output");
  for (const name of Object.keys(responses)) if (requests[name]) throw new Error(`schema name ${name} is used for a request and a response`);

  const paths: OpenApiDocument["paths"] = {};
  for (const op of operations) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.path} is listed twice`);
    item[op.method] = operationObject(op, requestNames, responseNames);
  }
  const schemas = Object.fromEntries(Object.entries({ ...requests, ...responses }).sort(([a], [b]) => a.localeCompare(b)));

  return {
    openapi: "3.1.0",
    info: {
      title: "next-lokdown API",
      version: pkg.version,
      description:
        "Sign-in with passwords, TOTP, passkeys and backup codes; JWT sessions and API keys. Wire-compatible with django-lokdown 1.4.1 " +
        "(same paths, JSON keys and statuses; every error is `{\"error\", \"code\"}`). next-auth's own routes under /api/nextauth/* " +
        "(provider sign-in and callbacks, driven by the browser) are not part of this API.",
      license: { name: "MIT", identifier: "MIT" },
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    // In OPERATIONS order, which reads as a guide: sign-in first.
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "Access token from a sign-in: `Authorization: Bearer <token>`." },
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

let built: OpenApiDocument | undefined;
/** The document for this build, generated once per process. */
export function openApiDocument(): OpenApiDocument {
  built ??= buildOpenApiDocument();
  return built;
}
