#!/usr/bin/env bash
# `npm start`: install what is missing, build the wasm package, then serve the playground with Vite
# (COOP/COEP headers on, see vite.config.js) on http://127.0.0.1:5173/ (the next free port if taken).
#
# Environment:
#   HCLCONV_SKIP_BUILD=1   skip setup.sh and build-wasm.sh when www/pkg/hclconv.js already exists
#   PORT=N                 the port to try first (default 5173)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${HCLCONV_SKIP_BUILD:-}" = 1 ] && [ -f www/pkg/hclconv.js ] && [ -d node_modules/vite ]; then
  echo "[start] HCLCONV_SKIP_BUILD=1: using the existing www/pkg/"
else
  bash scripts/setup.sh
  bash scripts/build-wasm.sh
fi

# exec: the Vite process replaces this shell, so signals reach it directly.
exec node_modules/.bin/vite --host 127.0.0.1 --port "${PORT:-5173}" "$@"
