# syntax=docker/dockerfile:1
#
# Greenlight's container image: three stages, one small runtime.
#   build      every dependency, the generated Prisma client, `tsc` → dist/
#   prod-deps  production dependencies only (no prisma CLI, no TypeScript, no test tools)
#   runtime    node:20-bookworm-slim + dist/ + production node_modules + prisma/migrations + package.json,
#              run as the image's unprivileged `node` user (uid 1000)
#
#   docker build -t greenlight .
#
# test/unit/deploy/dockerfile.test.ts parses this file (non-root, exec-form CMD, healthcheck, stages);
# it has not been built on the machine it was written on, which runs no Docker engine.
#
# `npm install`, not `npm ci`: package-lock.json is written by npm 11, which leaves out the optional
# packages of other platforms (Biome's and msgpackr-extract's), and `npm ci` refuses such a lockfile.
# `npm install` still installs exactly the locked versions. `--ignore-scripts` everywhere: nothing
# here needs a dependency's install script (Prisma's would download a native engine we never use),
# and the project's own postinstall (`prisma generate`) runs as part of `npm run build` below.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY src ./src
# Generates the Prisma client into src/generated (compiled into dist/generated) and runs tsc.
RUN npm run build

FROM node:20-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# No script runs here: the project's postinstall needs the prisma CLI, a devDependency, and the
# runtime needs only the client compiled into dist/ and @prisma/client's runtime.
# --omit=optional as well: the prisma CLI and TypeScript are optional peers of @prisma/client, so
# --omit=dev alone keeps them (and Prisma Studio's React tree): 418 MB of node_modules instead of 158 MB.
# It also drops msgpackr-extract, a native speed-up BullMQ's msgpackr does without.
RUN npm install --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/var/lib/greenlight
WORKDIR /app
# Owned by root and read-only to the service: it can change none of its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Applied at startup by dist/platform/migrate.js, which reads ../../prisma/migrations.
COPY prisma/migrations ./prisma/migrations
# The OpenAPI document and the CLI read the version from it.
COPY package.json ./
# DATA_DIR holds the embedded database and a generated ENCRYPTION_KEY, for a single-container trial
# only (`docker run -v greenlight-data:/var/lib/greenlight`); with DATABASE_URL and ENCRYPTION_KEY set,
# nothing is written there and the root filesystem may be read-only.
RUN mkdir -p /var/lib/greenlight && chown 1000:1000 /var/lib/greenlight
# The base image's `node` user, by number so Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 3000
# Slim images have no curl: Node 20's fetch asks /healthz on the port the service listens on.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]
# Exec form, node as PID 1: SIGTERM reaches the service itself, which drains and exits 0
# (`npm start` would not pass it on).
CMD ["node", "dist/main.js"]
