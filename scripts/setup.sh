#!/usr/bin/env bash
# Installs whatever the build and the tests need and is missing; idempotent.
# Sources: rustup's own server (the pinned nightly), crates.io (wasm-bindgen-cli),
# Debian (chromium, chromium-driver), the npm registry (node_modules, benches/peers/node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."

NIGHTLY=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
# The exact wasm-bindgen version pinned in Cargo.toml; the CLI must match it.
WB_VERSION=$(sed -n 's/^wasm-bindgen *= *{ *version *= *"=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen *= *"=\([0-9.]*\)"/\1/p' Cargo.toml | head -n1)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# 1. The pinned nightly with rust-src and the wasm32 target (RUSTUP_AUTO_INSTALL=0 here: install explicitly).
if ! command -v rustup >/dev/null; then
  echo "rustup is required (https://rustup.rs); the machine's Rust toolchain comes with it" >&2; exit 1
fi
have_toolchain() {
  rustup toolchain list | grep -q "^$NIGHTLY" &&
  rustup +"$NIGHTLY" component list --installed 2>/dev/null | grep -q '^rust-src' &&
  rustup +"$NIGHTLY" target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown'
}
if have_toolchain; then
  say "rust $NIGHTLY with rust-src + wasm32: present"
else
  say "installing rust $NIGHTLY (rust-src, wasm32-unknown-unknown, clippy, rustfmt) from rustup's server"
  rustup toolchain install "$NIGHTLY" --profile minimal \
    --component rust-src --component clippy --component rustfmt --target wasm32-unknown-unknown
fi

# 2. wasm-bindgen-cli at exactly the version the crate pins (also provides wasm-bindgen-test-runner).
if command -v wasm-bindgen >/dev/null && [ "$(wasm-bindgen --version | awk '{print $2}')" = "$WB_VERSION" ] &&
   command -v wasm-bindgen-test-runner >/dev/null; then
  say "wasm-bindgen-cli $WB_VERSION: present"
else
  say "installing wasm-bindgen-cli $WB_VERSION from crates.io (a few minutes, once)"
  # Outside the repo so that the repo's nightly and build-std settings do not apply; not --locked on purpose.
  (cd / && cargo +stable install wasm-bindgen-cli --version "$WB_VERSION" --force)
fi

# 3. Chromium and ChromeDriver from Debian (browser tests and the playground tests).
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  say "chromium + chromedriver: present"
else
  say "installing chromium + chromium-driver from Debian"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver
fi

# 4. npm packages (vite, playwright-core, ...), never a browser download.
stamp=node_modules/.hclconv-installed
if [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ] && [ "$stamp" -nt package.json ]; then
  say "npm packages: present"
else
  say "installing npm packages"
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
  touch "$stamp"
fi

# 5. The peers that scripts/bench-peers.mjs times against ours (HashiCorp's @cdktf/hcl2json and
#    @cdktf/hcl2cdk, exact versions in benches/peers/package-lock.json); no install scripts run.
stamp=benches/peers/node_modules/.hclconv-installed
if [ -f "$stamp" ] && [ "$stamp" -nt benches/peers/package-lock.json ] && [ "$stamp" -nt benches/peers/package.json ]; then
  say "benchmark peers (benches/peers): present"
else
  say "installing the benchmark peers (benches/peers, npm ci --ignore-scripts)"
  (cd benches/peers && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi
