#!/usr/bin/env bash
# Installs the pinned Pulumi SDKs used to type-check converted programs (tests/sdk/<language>/), from the
# npm registry with `npm ci --ignore-scripts` (no install scripts run, nothing else is downloaded).
# Idempotent: a folder whose node_modules is newer than its package.json and lockfile is left alone.
# Usage: scripts/sdk-setup.sh [folder ...]   (default: every folder under tests/sdk with a package.json;
# `ts` holds what the page's zip test needs, `check` every SDK of `npm run check:sdk`)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[sdk-setup]\033[0m %s\n' "$*"; }

langs=("$@")
if [ ${#langs[@]} -eq 0 ]; then
  for dir in tests/sdk/*/; do [ -f "$dir/package.json" ] && langs+=("$(basename "$dir")"); done
fi

for lang in "${langs[@]}"; do
  dir=tests/sdk/$lang
  [ -f "$dir/package.json" ] || { echo "no $dir/package.json" >&2; exit 1; }
  stamp=$dir/node_modules/.hclconv-installed
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package.json" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
    say "$dir: present"
    continue
  fi
  say "$dir: npm ci --ignore-scripts"
  t0=$(date +%s)
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  touch "$stamp"
  say "$dir: installed in $(( $(date +%s) - t0 ))s, $(du -sh "$dir/node_modules" | cut -f1)"
done
