#!/usr/bin/env bash
# Builds the console and starts the signing proxy, which serves it with its API.
# Without Alibaba Cloud credentials it runs in demo mode: a local RDS emulator in the
# same process, with a demo fleet. The record of backups is SQLite in target/run-data/.
# It prints the URL to open. Extra arguments go to rds-backup-proxy (see
# `target/release/rds-backup-proxy --help`).
# The first run installs the web tools (trunk, wasm-bindgen; 5 to 11 minutes once).
set -euo pipefail
cd "$(dirname "$0")/.."
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
TOOLS_PATH=$(bash scripts/web-tools.sh)
export PATH="$TOOLS_PATH:$PATH"
echo "building the console and the proxy (release) ..." >&2
trunk build --release --offline >&2
cargo build --release --locked -q -p rds-backup-proxy -p rds-backup-cli
exec target/release/rds-backup-proxy --dist dist --data-dir target/run-data "$@"
