# syntax=docker/dockerfile:1
# One image for both processes of the distributed deployment: the API (default command) and the projector
# (`node apps/projector/dist/main.js`). Built and checked without a Docker engine by test/deployment.e2e-spec.ts.
# The Node version is pinned to the one the project is built and tested with (TOOLCHAIN.md); build and runtime
# stages are both Debian bookworm, so better-sqlite3's native module built in the first runs in the second.
ARG NODE_VERSION=20.20.2

# --- build: every dependency (better-sqlite3 compiles with python3, make and g++ from the full image), tsc -b,
# then the dev dependencies pruned away.
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
# The manifests of every workspace first, so that `npm ci` is cached until a dependency changes.
COPY package.json package-lock.json ./
COPY libs/config/package.json libs/config/
COPY libs/domain/package.json libs/domain/
COPY libs/event-store/package.json libs/event-store/
COPY libs/read-store/package.json libs/read-store/
COPY libs/projections/package.json libs/projections/
COPY libs/application/package.json libs/application/
COPY libs/reactors/package.json libs/reactors/
COPY apps/api/package.json apps/api/
COPY apps/projector/package.json apps/projector/
COPY bench/package.json bench/
COPY tools/openapi-client/package.json tools/openapi-client/
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

# --- runtime: slim, the built app owned by root (read-only to the process), only the data directory writable.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/app/data
WORKDIR /app
COPY --from=build /app /app
# The embedded stores, the generated secrets outside production and the .eml outbox live here: owned by the
# user the process runs as (the image's `node`, uid 1000). A volume mounted here starts with this ownership.
RUN mkdir -p /app/data && chown node:node /app/data && chmod 0750 /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
# Node itself probes the liveness route (no curl in a slim image). The projector serves the same routes on its PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The compose file picks the process: the API (default) or the projector.
CMD ["node", "apps/api/dist/main.js"]
