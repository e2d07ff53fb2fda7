// Loaded with `node --import` by scripts that import route modules outside Next.js (npm run openapi).
// "server-only" throws unless a bundler marks the server; here it resolves to an empty module.
// The scripts run without --conditions=react-server, so that next-auth's imports of Next.js
// internals get the React they expect.
import { register } from "node:module";

const hooks = `export async function resolve(specifier, context, next) {
  return specifier === "server-only" ? { url: "data:text/javascript,", shortCircuit: true } : next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
