#!/usr/bin/env bash
# Installs the pinned Pulumi SDKs used to type-check converted programs (tests/sdk/<folder>/): npm packages
# from the npm registry with `npm ci --ignore-scripts` (no install scripts run), and, where the folder has a
# requirements.txt, Python wheels from PyPI into <folder>/.venv with `pip install --only-binary :all:` (no
# source builds, so no package code runs at install time). Nothing else is downloaded.
# Idempotent: an install whose stamp is newer than the files it came from is left alone.
# Usage: scripts/sdk-setup.sh [folder ...]   (default: every folder under tests/sdk with a package.json;
# `ts` holds what the page's zip test needs, `check` every TypeScript SDK of `npm run check:sdk`, `python`
# pyright and the Python SDKs of the same check)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[sdk-setup]\033[0m %s\n' "$*"; }

folders=("$@")
if [ ${#folders[@]} -eq 0 ]; then
  for dir in tests/sdk/*/; do [ -f "$dir/package.json" ] && folders+=("$(basename "$dir")"); done
fi

for folder in "${folders[@]}"; do
  dir=tests/sdk/$folder
  [ -f "$dir/package.json" ] || { echo "no $dir/package.json" >&2; exit 1; }
  stamp=$dir/node_modules/.hclconv-installed
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package.json" ] && [ "$stamp" -nt "$dir/package-lock.json" ]; then
    say "$dir: node_modules present"
  else
    say "$dir: npm ci --ignore-scripts"
    t0=$(date +%s)
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    touch "$stamp"
    say "$dir: installed in $(( $(date +%s) - t0 ))s, $(du -sh "$dir/node_modules" | cut -f1)"
  fi

  [ -f "$dir/requirements.txt" ] || continue
  venv=$dir/.venv
  stamp=$venv/.hclconv-installed
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/requirements.txt" ]; then
    say "$venv: present"
    continue
  fi
  say "$venv: pip install --only-binary :all: -r $dir/requirements.txt"
  t0=$(date +%s)
  # --clear: a changed requirements file starts from an empty venv, so no package outlives its pin.
  python3 -m venv --clear "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input --only-binary :all: \
    -r "$dir/requirements.txt"
  touch "$stamp"
  say "$venv: installed in $(( $(date +%s) - t0 ))s, $(du -sh "$venv" | cut -f1)"
done
