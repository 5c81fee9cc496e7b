#!/bin/sh
# The image's roles: web (default), workers, migrate [latest|up|down], seed; anything else is run as is.
set -eu
role="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$role" in
  web) exec node --enable-source-maps build/node/server.js "$@" ;;
  workers) exec node --enable-source-maps build/node/workers.js "$@" ;;
  # A bundled build/node/migrate.js is used when the build produces one; else the sources run with tsx.
  migrate)
    if [ -f build/node/migrate.js ]; then exec node --enable-source-maps build/node/migrate.js "${1:-latest}"; fi
    exec node --import tsx db/migrate.ts "${1:-latest}" ;;
  seed) exec node --import tsx db/seed.ts ;;
  *) exec "$role" "$@" ;;
esac
