#!/usr/bin/env bash
# The console's release build: transfer size (gzip -9 of every file in dist/, and of what
# a console load fetches before its form is usable, in English and in Chinese), the time
# from navigation to a usable form in headless Chromium (cold cache, 15 loads, against
# Swagger UI 5), the instance picker over 5,000 instances, one keystroke's recompute.
#   bash scripts/bench-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_PATH=$(bash scripts/web-tools.sh --browser)
export PATH="$TOOLS_PATH:$PATH"
bash tests/sdk/setup.sh >/dev/null
trunk build --release --offline >/dev/null 2>&1 || { echo 'trunk build failed: run it alone to see why' >&2; exit 1; }
cargo build --release --locked -q -p rds-backup-proxy

# gzip -9: the budget's measure. brotli: the .br copy the proxy sends to a browser that
# accepts br (Chromium does, on 127.0.0.1 too); "-" when the build wrote none. Every file
# of the build; which of them a console load needs before its form is usable is measured
# in the browser below.
echo "| asset | bytes | gzip -9 bytes | brotli copy served to Chromium, bytes |"
echo "|---|---|---|---|"
total=0; total_gz=0; total_br=0
while IFS= read -r f; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  br=-; [ -f "$f.br" ] && br=$(stat -c %s "$f.br") && total_br=$((total_br + br))
  total=$((total + raw)); total_gz=$((total_gz + gz))
  echo "| ${f#dist/} | $raw | $gz | $br |" | sed -E 's/-[0-9a-f]{16}/-…/'
done < <(find dist -type f ! -name '*.gz' ! -name '*.br' | sort)
echo "| **all files** | $total | **$total_gz** ($(( (total_gz + 512) / 1024 )) KB) | $total_br ($(( (total_br + 512) / 1024 )) KB) |"

work=$(mktemp -d)
HOME="$work" target/release/rds-backup-proxy --demo --listen 127.0.0.1:0 --dist dist >"$work/out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
until grep -q "console:" "$work/out" 2>/dev/null; do sleep 0.1; done
url=$(sed -n 's/^console: //p' "$work/out")
echo
# What a load needs before its form takes input (the budget: <= 150 KB gzip), in English
# and in Chinese; the panels module and the other catalogues come after the first paint.
node tests/browser/bench-first-load.mjs "$url" dist | head -n 2
echo
echo "navigation to usable form, ours and Swagger UI 5 interleaved: $(node tests/browser/bench.mjs "$url" 15 --swagger)"

# The instance picker against 5,000 instances: keystroke to next frame, first results
# after the last keystroke, DescribeDBInstances per console load and per search.
cargo build --release --locked -q -p rds-backup-emulator
target/release/rds-emulator --write-fleet 5000 > "$work/fleet.json"
HOME="$work" target/release/rds-backup-proxy --demo --listen 127.0.0.1:0 --dist dist \
  --demo-fleet "$work/fleet.json" --metrics-listen 127.0.0.1:0 >"$work/out5000" 2>/dev/null &
pid2=$!
trap 'kill $pid $pid2 2>/dev/null; rm -rf "$work"' EXIT
until grep -q "metrics:" "$work/out5000" 2>/dev/null && grep -q "console:" "$work/out5000"; do sleep 0.1; done
url5000=$(sed -n 's/^console: //p' "$work/out5000")
metrics=$(sed -n 's/^metrics: //p' "$work/out5000")
echo "instance picker, 5,000 instances: $(node tests/browser/bench-picker.mjs "$url5000" "$metrics" 20)"

# One keystroke's recompute (choices, validate, the HTTP preview, the selected snippet)
# in wasm in headless Chromium, in the console's own profile (the test runner prints
# the line on stdout or stderr, so both are read).
echo "one keystroke's recompute: $(RDS_BENCH=1 CHROMEDRIVER=$(command -v chromedriver) cargo test --profile web-bench --locked -p rds-backup-web --target wasm32-unknown-unknown --test recompute -- --nocapture 2>&1 | grep '^{"recompute"')"
