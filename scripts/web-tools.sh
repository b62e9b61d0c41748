#!/usr/bin/env bash
# Installs the tools that build and test the browser console, skipping what is already
# there at the right version: the wasm target, trunk, wasm-bindgen-cli (at exactly the
# wasm-bindgen version in Cargo.lock), wasm-opt (npm binaryen), terser (npm), Debian's brotli and, with
# --browser, Debian's chromium + chromium-driver. Nothing downloads binaries: everything comes from
# the package registries. The tools live per machine (cargo's bin folder, and a cache
# folder for the npm ones), so a new clone pays nothing. Prints the PATH to use.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${XDG_CACHE_HOME:-$HOME/.cache}/rds-backup-console/tools"
mkdir -p "$tools"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0
TERSER_VERSION=5.51.4
BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
export PATH="$HOME/.cargo/bin:$tools/node_modules/.bin:$PATH"

say() { printf 'web tools: %s\n' "$*" >&2; }
apt_install() { bash scripts/apt-install.sh "$@"; }

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 6 minutes on 2 cores, once per machine)"
  # Unoptimised: half the build time of its release profile (fat LTO, one codegen unit:
  # 11 min 42 s against 6 min 6 s here), the same dist/ byte for byte, and a build of it
  # within a second as fast (16.2 s against 15.4 s): the time goes to cargo, wasm-bindgen
  # and wasm-opt. wasm-bindgen-cli stays optimised: its test runner, unoptimised, took
  # 77 s instead of 20 s for the console's component tests.
  cargo install trunk --version "$TRUNK_VERSION" --locked --quiet --debug
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $BINDGEN_VERSION (about 3.5 minutes, once per version)"
  # Not --locked: its lock file pins a webpki-roots release the registry here lacks.
  # opt-level 1: 3 min 30 s to build instead of 4 min 51 s here, the same console
  # bindings byte for byte in the same time (0.2 s), the component tests as fast (10 s).
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION" --quiet
fi
# wasm-opt (npm binaryen) and terser, which minifies the console's JS glue (Trunk's own
# JS minifier does not parse wasm-bindgen's output). One npm install for both: a second
# one with --no-save would prune the first.
if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}" \
  || [ "$(terser --version 2>/dev/null)" != "terser $TERSER_VERSION" ]; then
  say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) and terser@$TERSER_VERSION"
  (cd "$tools" && npm install --no-save --no-audit --no-fund --loglevel=error \
    "binaryen@$BINARYEN_VERSION" "terser@$TERSER_VERSION" >/dev/null)
fi

# brotli (Debian) for the build's brotli copies of the assets (scripts/precompress.sh).
if ! command -v brotli >/dev/null; then
  say "installing brotli (Debian)"
  apt_install brotli
fi

if [ "${1:-}" = "--browser" ] && ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
  say "installing chromium and chromium-driver (Debian)"
  apt_install chromium chromium-driver
fi

# A Chinese font, so that the zh-CN screenshots of the browser tests show text, not boxes.
if [ "${1:-}" = "--browser" ] && command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  say "installing a Chinese font (Debian fonts-wqy-microhei)"
  apt_install fonts-wqy-microhei
fi

echo "$HOME/.cargo/bin:$tools/node_modules/.bin"
