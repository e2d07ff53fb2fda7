import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { apiOperations, buildOpenApiDocument } from "@/lib/openapi/document";
import { OPENAPI_SNAPSHOT_PATH, serializeOpenApiDocument } from "@/scripts/lib/openapi-snapshot";
import { LoginBody, VerifyBody } from "@/lib/http/schemas";

const document = buildOpenApiDocument();
const operations = apiOperations();

function refsIn(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, into);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") into.push(v);
      else refsIn(v, into);
    }
  }
  return into;
}

describe("openapi.json", () => {
  it("is the generated document (run `npm run openapi` after changing a schema or an endpoint)", () => {
    const committed = readFileSync(OPENAPI_SNAPSHOT_PATH, "utf8");
    expect(
      committed === serializeOpenApiDocument(),
      "openapi.json is out of date: run `npm run openapi` and commit it",
    ).toBe(true);
  });

  it("validates against the OpenAPI 3.1 schema", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has every $ref resolve, and both security schemes", () => {
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    for (const target of new Set(refsIn(document))) {
      expect(target).toMatch(/^#\/components\/schemas\//);
      expect(schemas[target.slice("#/components/schemas/".length)], target).toBeDefined();
    }
    expect((document.components as { securitySchemes: unknown }).securitySchemes).toMatchObject({
      bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      apiKeyAuth: { type: "apiKey", in: "header", name: "Authorization" },
    });
  });

  it("describes request bodies with the handlers' own zod schemas", () => {
    const schemas = (document.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    // Field descriptions are part of the schema too (.meta), so the component is the schema's own JSON Schema.
    const generated = z.toJSONSchema(LoginBody, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
    delete generated.$schema;
    expect(schemas.LoginBody).toEqual(generated);
    expect((schemas.LoginBody?.properties as Record<string, { description?: string }>).username?.description).toBe(
      "Username or e-mail address (case-insensitive).",
    );
    expect(document.paths["/api/auth/verify"]?.post?.requestBody).toEqual({
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/VerifyBody" } } },
    });
    expect(VerifyBody.safeParse({ session_id: "x", totp_token: "123456" }).success).toBe(true);
  });

  it("gives every /api/auth operation a success response schema", () => {
    for (const op of operations.filter((o) => o.path.startsWith("/api/auth"))) {
      const item = document.paths[op.path]?.[op.method] as {
        responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
      };
      const success = Object.entries(item.responses).find(([status]) => status.startsWith("2"));
      expect(success?.[1].content?.["application/json"]?.schema, `${op.method} ${op.path}`).toBeDefined();
    }
  });

  it("uses each operationId once", () => {
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
