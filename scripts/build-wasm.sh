#!/usr/bin/env bash
# Builds the crate to WebAssembly with threads and writes the JS glue into www/pkg (for Vite).
# Usage: scripts/build-wasm.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release; flag=--release
if [ "${1:-}" = "--dev" ]; then profile=debug; flag=; fi
out=www/pkg
echo "[build-wasm] cargo build ($profile, wasm32, atomics, build-std)"
cargo build $flag --lib --no-default-features --target wasm32-unknown-unknown -Z build-std=panic_abort,std
echo "[build-wasm] wasm-bindgen --target web → $out"
wasm-bindgen --target web --out-dir "$out" "target/wasm32-unknown-unknown/$profile/hclconv.wasm"
# Vite resolves wasm-bindgen-rayon's `import '../../..'` through this package.json.
cat > "$out/package.json" <<'JSON'
{ "name": "hclconv-wasm", "private": true, "type": "module", "main": "hclconv.js", "module": "hclconv.js", "types": "hclconv.d.ts" }
JSON
raw=$(wc -c < "$out/hclconv_bg.wasm"); gz=$(gzip -9 -c "$out/hclconv_bg.wasm" | wc -c)
echo "[build-wasm] hclconv_bg.wasm: $raw bytes raw, $gz bytes gzip"
