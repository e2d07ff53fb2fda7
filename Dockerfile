# syntax=docker/dockerfile:1
# next-lokdown as a container: `docker compose up --build` (compose.yaml), or build this file and
# run it with DATABASE_URL, AUTH_SECRET, LOKDOWN_ENCRYPTION_KEY and WEBAUTHN_* set (README, Deployment).
# The runtime stage holds only Next.js's standalone output, its static files, the migrations and
# the start script; no npm, no Prisma CLI, no source. tests/e2e/deploy.standalone-smoke.test.ts lays
# out a directory from this file's runtime COPY lines and runs its CMD, so keep them in that form:
# COPY --from=build /app/<path in the build> <path in /app>.

# Build and runtime share one base so native packages (pg, the Prisma adapter, argon2 builds for
# glibc on linux-x64/arm64) installed at build time are the ones the runtime can load.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
# postinstall runs `prisma generate` into lib/generated/prisma.
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
ENV NODE_ENV=production
# `npm run build` builds with webpack: a server built by Turbopack instantiates the modules every
# route shares (lib/auth, Prisma's client) once per route, about 30 copies and twice the JavaScript
# heap; webpack's server build shares one (docs/benchmark.md). `npm run dev` keeps Turbopack.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME_BIND=0.0.0.0
# A system user without a shell or home: the app's files stay root-owned and read-only to it.
RUN groupadd --system --gid 10001 lokdown \
 && useradd --system --uid 10001 --gid lokdown --no-create-home --shell /usr/sbin/nologin lokdown
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/scripts/start-standalone.mjs ./scripts/start-standalone.mjs
COPY --from=build /app/scripts/lib/migrations.mjs ./scripts/lib/migrations.mjs
COPY --from=build /app/scripts/lib/peer.mjs ./scripts/lib/peer.mjs
# Next.js writes its data and image caches here; nothing else is writable.
RUN mkdir -p .next/cache && chown lokdown:lokdown .next/cache
USER lokdown
EXPOSE 3000
# Liveness only: a database outage must not get every app container restarted. Load balancers
# and orchestrators should probe /api/health/ready before sending traffic.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations (pg driver, see scripts/lib/migrations.mjs), then the server.
CMD ["node", "scripts/start-standalone.mjs"]
