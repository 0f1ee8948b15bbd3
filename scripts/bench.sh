#!/usr/bin/env bash
# `npm run bench`: every benchmark, one after another (see BENCHMARKS.md); the output also goes to
# target/bench/latest.txt. Run it on a quiet machine: the figures are only as good as the idle cores.
#   1. criterion and the native corpus benchmark   cargo bench
#   2. the browser benchmark, with wasm/native on the same files   node scripts/bench-browser.mjs
#   3. the peers: @cdktf/hcl2json and @cdktf/hcl2cdk against ours   node scripts/bench-peers.mjs
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/bench
{
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  bash scripts/setup.sh
  bash scripts/build-wasm.sh
  cargo bench
  node scripts/bench-browser.mjs
  node scripts/bench-peers.mjs
  echo "# done $(date -u '+%H:%M UTC'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee target/bench/latest.txt
