#!/usr/bin/env bash
# The console's release build: transfer size (gzip -9 of every asset in dist/) and the
# time from navigation to a usable form in headless Chromium (cold cache, 15 loads).
#   bash scripts/bench-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_PATH=$(bash scripts/web-tools.sh --browser)
export PATH="$TOOLS_PATH:$PATH"
bash tests/sdk/setup.sh >/dev/null
trunk build --release --offline >/dev/null 2>&1 || { echo 'trunk build failed: run it alone to see why' >&2; exit 1; }
cargo build --release --locked -q -p rds-backup-proxy

echo "| asset | bytes | gzip -9 bytes |"
echo "|---|---|---|"
total=0; total_gz=0
for f in dist/*; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + raw)); total_gz=$((total_gz + gz))
  echo "| $(basename "$f") | $raw | $gz |"
done
echo "| **all assets** | $total | **$total_gz** ($(( (total_gz + 512) / 1024 )) KB) |"

work=$(mktemp -d)
HOME="$work" target/release/rds-backup-proxy --demo --listen 127.0.0.1:0 --dist dist >"$work/out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
until grep -q "console:" "$work/out" 2>/dev/null; do sleep 0.1; done
url=$(sed -n 's/^console: //p' "$work/out")
echo
echo "navigation to usable form: $(node tests/browser/bench.mjs "$url" 15)"
