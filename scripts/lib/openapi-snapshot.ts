import path from "node:path";
import { buildOpenApiDocument } from "@/lib/openapi/document";
import { root } from "./database.mjs";

/** The committed snapshot, at the repository root. */
export const OPENAPI_SNAPSHOT_PATH = path.join(root, "openapi.json");

/** The exact text `npm run openapi` writes (two-space JSON and a final newline). */
export function serializeOpenApiDocument(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
