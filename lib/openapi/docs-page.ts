import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * Swagger UI for /api/docs, served from the installed swagger-ui-dist package: nothing is fetched
 * from a CDN, and the page's CSP allows scripts, styles and requests from this origin only.
 */

/** Relative URLs, so the page also works under a basePath. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>next-lokdown API</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/docs.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: new URL("openapi.json", document.baseURI).href,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis],
});
`;

export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

type Asset = { file: string | null; type: string };
const ASSETS: Record<string, Asset> = {
  "swagger-ui.css": { file: "swagger-ui.css", type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": { file: "swagger-ui-bundle.js", type: "text/javascript; charset=utf-8" },
  "docs.js": { file: null, type: "text/javascript; charset=utf-8" },
};

export const DOCS_ASSET_NAMES = Object.keys(ASSETS);

const cache = new Map<string, Promise<Buffer>>();

/** One of the page's files, or null for any other name (never a path into node_modules). */
export async function readDocsAsset(name: string): Promise<{ body: Buffer; type: string } | null> {
  if (!Object.hasOwn(ASSETS, name)) return null;
  const asset = ASSETS[name];
  if (!asset) return null;
  const { file } = asset;
  if (file === null) return { body: Buffer.from(INIT_JS), type: asset.type };
  let body = cache.get(file);
  if (!body) {
    body = readFile(path.join(process.cwd(), "node_modules", "swagger-ui-dist", file));
    body.catch(() => cache.delete(file));
    cache.set(file, body);
  }
  return { body: await body, type: asset.type };
}
