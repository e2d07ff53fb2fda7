import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { noParams } from "../helpers/http";
import { HTTP_METHODS, type RouteHandler, routeDeclaration } from "@/lib/http/api-route";
import { API_ROUTES } from "@/lib/openapi/api-routes";
import { buildOpenApiDocument } from "@/lib/openapi/document";

const API_DIR = path.resolve("app/api");

/** app/api/auth/api-keys/[id]/route.ts → /api/auth/api-keys/{id}; route groups vanish. */
function urlPath(file: string): string {
  const dir = path.relative(path.resolve("app"), path.dirname(file)).split(path.sep);
  const segments = dir.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[([^.\]]+)\]$/, "{$1}"));
  return `/${segments.join("/")}`;
}

/**
 * Catch-all routes are not API endpoints: the JSON 404 for unknown /api paths, and next-auth's own
 * browser-driven routes. Any other catch-all fails the test until it is described or listed here.
 */
const NOT_DOCUMENTED = ["app/api/[...path]", "app/api/nextauth/[...nextauth]"];

function routeFiles(dir: string, all = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return !all && NOT_DOCUMENTED.includes(path.relative(process.cwd(), full)) ? [] : routeFiles(full, all);
    return entry.name === "route.ts" ? [full] : [];
  });
}

type RouteFile = { file: string; path: string; module: Record<string, unknown>; methods: string[] };

const routes: RouteFile[] = await Promise.all(
  routeFiles(API_DIR).map(async (full) => {
    const module = (await import(/* @vite-ignore */ full)) as Record<string, unknown>;
    const methods = routeDeclaration(module.GET)?.endpoints.map((e) => e.method) ?? [];
    return { file: path.relative(process.cwd(), full), path: urlPath(full), module, methods };
  }),
);
const document = buildOpenApiDocument();

describe("the OpenAPI document covers every route under app/api", () => {
  it("has no catch-all route it cannot describe", () => {
    expect(routes.filter((r) => r.path.includes("[")).map((r) => r.file)).toEqual([]);
  });

  it("finds the route files (sanity)", () => {
    expect(routes.length).toBeGreaterThanOrEqual(40);
    expect(routes.find((r) => r.path === "/api/auth/login")?.methods).toEqual(["POST"]);
    expect(routes.find((r) => r.path === "/api/auth/api-keys/{id}")?.methods).toEqual(["DELETE"]);
  });

  it("lists every route module in lib/openapi/api-routes.ts once, under its own path", () => {
    expect(API_ROUTES.map((r) => r.path).sort()).toEqual(routes.map((r) => r.path).sort());
    for (const route of routes) {
      expect(API_ROUTES.find((r) => r.path === route.path)?.module, `${route.file} is listed under another path`).toBe(
        route.module,
      );
    }
  });

  it.each(routes.map((r) => [`${r.methods.join(",")} ${r.path}`, r] as const))("documents %s", async (_name, route) => {
    const declaration = routeDeclaration(route.module.GET);
    expect(declaration, `${route.file} does not export handlers made by apiRoute()`).toBeDefined();
    for (const method of HTTP_METHODS) {
      expect(routeDeclaration(route.module[method]), `${route.file}: ${method} is not from its apiRoute()`).toBe(
        declaration,
      );
    }
    const item = document.paths[route.path];
    for (const method of route.methods)
      expect(item?.[method.toLowerCase()], `${method} ${route.path} is missing from the document`).toBeDefined();
    // The methods it does not declare answer 405, naming the ones it does.
    for (const method of HTTP_METHODS.filter((m) => !route.methods.includes(m))) {
      const res = await (route.module[method] as RouteHandler)(
        new Request(`http://localhost:3000${route.path}`, { method }),
        noParams(),
      );
      expect(res.status, `${method} ${route.path}`).toBe(405);
      expect(res.headers.get("allow")).toBe(route.methods.join(", "));
    }
  });

  it("documents nothing that has no route", () => {
    const implemented = new Set(routes.flatMap((r) => r.methods.map((m) => `${m.toLowerCase()} ${r.path}`)));
    const documented = Object.entries(document.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`));
    expect(documented.filter((d) => !implemented.has(d))).toEqual([]);
  });

  it("has every route read its caller, body and query only through its declaration, which the document describes", () => {
    const byHand =
      /\b(authenticateRequest|authenticateSessionRequest|refuseApiKeyCredential|authorizeCronRequest|parseBody|readJsonObject)\(|\brequest\.(json|text|formData|arrayBuffer|body)\b|\bsearchParams\b/;
    const offenders = routeFiles(API_DIR, true)
      .map((full) => path.relative(process.cwd(), full))
      .filter((file) => byHand.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });
});
