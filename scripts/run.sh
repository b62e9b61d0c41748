#!/usr/bin/env bash
# Builds and starts the signing proxy, which serves the console and its API.
# Without Alibaba Cloud credentials it runs in demo mode: a local RDS emulator in the
# same process, with a demo fleet. It prints the URL to open. Extra arguments go to
# rds-backup-proxy (see `target/release/rds-backup-proxy --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
echo "building (release) ..." >&2
cargo build --release --locked -q -p rds-backup-proxy -p rds-backup-cli
exec target/release/rds-backup-proxy --dist dist "$@"
