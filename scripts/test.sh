#!/usr/bin/env bash
# Sets up what the tests need on this machine (skipping what is already there)
# and runs every check CI runs: format, lints, unit and end-to-end tests (the
# emulator and the proxy over real sockets, the official Python and Node SDKs as
# clients), and the wasm build of the core.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "toolchain"
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown

step "Debian tools the tests use (php -l, gofmt; skipped when present)"
missing=()
command -v php >/dev/null || missing+=(php-cli)
command -v gofmt >/dev/null || missing+=(golang-go)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step "official SDK test peers (pinned; skipped when up to date)"
bash tests/sdk/setup.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "core builds for wasm32-unknown-unknown"
cargo build -p rds-backup-core --target wasm32-unknown-unknown --locked

step "cargo test (workspace)"
cargo test --workspace --locked

printf '\nall checks passed\n'
