#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs every test layer and prints how long each took.
#   1. lint      cargo fmt --check, clippy (native and wasm32; unwrap/expect/indexing denied in src/)
#   2. native    cargo test (core: fixtures + insta snapshots, batch, cache stress), then the loom model
#                test of the cache's single-flight code (own target dir: --cfg loom rebuilds everything)
#   3. wasm      cargo test --target wasm32 in headless Chromium (wasm-bindgen-test-runner)
#   4. build     the release wasm package for the page (www/pkg)
#   5. page      Playwright (playwright-core + Debian's /usr/bin/chromium) against the playground
#   6. bench     benchmarks built, and smoke runs of the corpus and peers benchmarks (no timing asserted)
set -euo pipefail
cd "$(dirname "$0")/.."

declare -a LAYERS=()
started_all=$(date +%s)
layer() {
  local name=$1; shift
  printf '\n\033[1m== %s ==\033[0m\n' "$name"
  local t0; t0=$(date +%s)
  "$@"
  LAYERS+=("$(printf '%-8s %5ss' "$name" "$(( $(date +%s) - t0 ))")")
}
summary() {
  local rc=$?
  printf '\n\033[1m== layer times ==\033[0m\n'
  for l in "${LAYERS[@]}"; do echo "  $l"; done
  echo "  total    $(( $(date +%s) - started_all ))s"
  [ $rc -eq 0 ] || echo "FAILED (exit $rc)"
}
trap summary EXIT

WASM_TEST=(--target wasm32-unknown-unknown -Z build-std=panic_abort,std --no-default-features --features no-bundler)

lint() {
  cargo fmt --all -- --check
  cargo clippy --all-targets -- -D warnings
  cargo clippy --lib --no-default-features --target wasm32-unknown-unknown -Z build-std=panic_abort,std -- -D warnings
}
native() {
  cargo test
  # LTO off: the release profile's fat LTO only slows this build down.
  RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo test --release --test cache_loom
}
wasm() {
  # The runner drives Chromium through ChromeDriver; a hung test must not leave it spinning.
  CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=180 \
    timeout 1200 cargo test "${WASM_TEST[@]}" --test wasm
}
page() { node --test --test-concurrency=1 tests/e2e/; }
# Benchmarks are not timed here: they are built, the corpus one runs once on 50 examples and the peers
# one on 20 snippets (3 conversions), so that none of them can rot. LTO off: it only slows the build.
bench() {
  export CARGO_PROFILE_BENCH_LTO=false CARGO_PROFILE_BENCH_CODEGEN_UNITS=16
  cargo bench --no-run
  HCLCONV_BENCH_SMOKE=1 cargo bench --bench corpus
  node scripts/bench-peers.mjs --limit 20 --runs 1 --cdk-files 3
}

layer setup bash scripts/setup.sh
layer lint lint
layer native native
layer wasm wasm
layer build bash scripts/build-wasm.sh
layer page page
layer bench bench
