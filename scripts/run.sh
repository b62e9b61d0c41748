#!/usr/bin/env bash
# Builds the tools and starts them. The browser console and its signing proxy
# are not built yet (see ARCHITECTURE.md, "Status"); until they are, this builds
# the `rds-backup` CLI and shows how to use it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p rds-backup-cli
echo
echo "Built target/release/rds-backup. Try:"
echo "  target/release/rds-backup options --engine MySQL --storage local_ssd"
echo
exec target/release/rds-backup --help
