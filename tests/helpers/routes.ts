import { readdirSync, statSync } from "node:fs";
import path from "node:path";

/** One route handler file of the app, found on disk (so a new route is covered without listing it). */
export type RouteFile = {
  /** e.g. app/api/auth/api-keys/[id]/route.ts */
  file: string;
  /** URL path with dynamic segments as [name] / [...name], route groups removed. */
  pattern: string;
  /** Names of the dynamic segments, with whether each is a catch-all. */
  params: { name: string; catchAll: boolean }[];
};

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

function walk(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (entry === "route.ts") out.push(full);
  }
  return out;
}

export function findRouteFiles(appDir = path.resolve("app")): RouteFile[] {
  return walk(appDir, [])
    .sort()
    .map((full) => {
      const rel = path.relative(path.dirname(appDir), full).split(path.sep).join("/");
      const segments = rel
        .split("/")
        .slice(1, -1)
        .filter((s) => !(s.startsWith("(") && s.endsWith(")")));
      const params = segments
        .filter((s) => s.startsWith("[") && s.endsWith("]"))
        .map((s) =>
          s.startsWith("[...") ? { name: s.slice(4, -1), catchAll: true } : { name: s.slice(1, -1), catchAll: false },
        );
      return { file: rel, pattern: `/${segments.join("/")}`, params };
    });
}

/** Fills the dynamic segments of a pattern; values are URL-encoded into the path. */
export function fillPattern(route: RouteFile, values: Record<string, string | string[]>): string {
  let out = route.pattern;
  for (const p of route.params) {
    const value = values[p.name] ?? "x";
    // A URL cannot carry an unpaired surrogate; a browser would send U+FFFD in its place.
    const encode = (v: string) =>
      encodeURIComponent(
        v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"),
      );
    const encoded = Array.isArray(value) ? value.map(encode).join("/") : encode(value);
    out = out.replace(p.catchAll ? `[...${p.name}]` : `[${p.name}]`, encoded);
  }
  return out;
}
