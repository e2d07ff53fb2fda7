import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/openapi/document";
import { OPERATIONS, type Auth } from "@/lib/openapi/operations";

const API_DIR = path.resolve("app/api");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

type RouteFile = { file: string; path: string; methods: string[]; allow: string[] | null; auth: Auth; readsBody: boolean; refusesApiKeys: boolean };

/** app/api/auth/api-keys/[id]/route.ts → /api/auth/api-keys/{id}; route groups vanish. */
function urlPath(file: string): string {
  const dir = path.relative(path.resolve("app"), path.dirname(file)).split(path.sep);
  const segments = dir.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[([^.\]]+)\]$/, "{$1}"));
  return `/${segments.join("/")}`;
}

/** The methods a route module really implements, read from its exports. */
function readRoute(file: string): RouteFile {
  const source = readFileSync(file, "utf8");
  const implemented = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:async\s+)?(?:const|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) implemented.add(m[1] ?? "");
  for (const m of source.matchAll(/export\s*\{([^}]*)\}\s*(?:from\s*["'][^"']+["'])?\s*;/g)) {
    for (const part of (m[1] ?? "").split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name && (METHODS as readonly string[]).includes(name)) implemented.add(name);
    }
  }
  for (const m of source.matchAll(/export\s+const\s*\{([^}]*)\}\s*=\s*([A-Za-z_$][\w$]*)\(/g)) {
    if (m[2] === "otherMethods") continue;
    for (const name of (m[1] ?? "").split(",").map((s) => s.trim())) if ((METHODS as readonly string[]).includes(name)) implemented.add(name);
  }
  const allowMatch = /otherMethods\(\s*"([^"]+)"\s*\)/.exec(source);
  const allow = allowMatch ? (allowMatch[1] ?? "").split(",").map((s) => s.trim()) : null;
  const auth: Auth = source.includes("authenticateSessionRequest(") ? "session" : source.includes("authenticateRequest(") ? "any" : "none";
  const readsBody = /\b(parseBody|readJsonObject)\(/.test(source);
  const refusesApiKeys = source.includes("refuseApiKeyCredential(") || auth === "session";
  return { file: path.relative(process.cwd(), file), path: urlPath(file), methods: [...implemented].sort(), allow, auth, readsBody, refusesApiKeys };
}

/**
 * Catch-all routes are not API endpoints: the JSON 404 for unknown /api paths, and next-auth's own
 * browser-driven routes. Any other catch-all fails the test until it is described or listed here.
 */
const NOT_DOCUMENTED = ["app/api/[...path]", "app/api/nextauth/[...nextauth]"];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return NOT_DOCUMENTED.includes(path.relative(process.cwd(), full)) ? [] : routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

const routes = routeFiles(API_DIR).map(readRoute);
const document = buildOpenApiDocument();

describe("the OpenAPI document covers every route under app/api", () => {
  it("has no catch-all route it cannot describe", () => {
    expect(routes.filter((r) => r.path.includes("[")).map((r) => r.file)).toEqual([]);
  });

  it("finds the route files (sanity)", () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(routes.find((r) => r.path === "/api/auth/login")?.methods).toEqual(["POST"]);
    expect(routes.find((r) => r.path === "/api/auth/api-keys/{id}")?.methods).toEqual(["DELETE"]);
  });

  it.each(routes.map((r) => [`${r.methods.join(",")} ${r.path}`, r] as const))("documents %s", (_name, route) => {
    expect(route.methods.length, `${route.file} exports no handler`).toBeGreaterThan(0);
    const item = document.paths[route.path];
    expect(item, `${route.path} (${route.file}) is missing from lib/openapi/operations.ts`).toBeDefined();
    for (const method of route.methods) {
      expect(item?.[method.toLowerCase()], `${method} ${route.path} is missing from lib/openapi/operations.ts`).toBeDefined();
      const op = OPERATIONS.find((o) => o.path === route.path && o.method === method.toLowerCase());
      expect(op?.auth, `${method} ${route.path}: documented auth differs from ${route.file}`).toBe(route.auth);
      const listsRefusal = (op?.errors ?? []).includes("api_key_not_allowed") || op?.auth === "session";
      expect(listsRefusal, `${method} ${route.path}: api_key_not_allowed documented ${listsRefusal}, but ${route.file} ${route.refusesApiKeys ? "refuses" : "does not refuse"} API keys`).toBe(route.refusesApiKeys);
      if (route.readsBody && method !== "GET") expect(op?.body ?? op?.bodyOptional, `${method} ${route.path} reads a body the document does not describe`).toBeTruthy();
    }
    if (route.allow) expect([...route.allow].sort(), `${route.file}: otherMethods() names other methods than it implements`).toEqual(route.methods);
  });

  it("documents nothing that has no route", () => {
    const implemented = new Set(routes.flatMap((r) => r.methods.map((m) => `${m.toLowerCase()} ${r.path}`)));
    const documented = Object.entries(document.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`));
    expect(documented.filter((d) => !implemented.has(d))).toEqual([]);
  });
});
