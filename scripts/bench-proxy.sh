#!/usr/bin/env bash
# Load benchmark: the emulator called directly vs through the signing proxy.
# Same action (DescribeBackupTasks), same emulator process, wrk (Debian) as the load.
# Direct: wrk replays one V3-signed GET (the emulator runs with --bench-allow-replay).
# Proxy:  wrk calls GET /api/backup-tasks; the proxy signs each call afresh and forwards it.
# Prints a markdown table for BENCHMARKS.md.
#   DURATION=10 CONNECTIONS=16 bash scripts/bench-proxy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}

command -v wrk >/dev/null || { sudo -n true 2>/dev/null && S=sudo || S=; $S apt-get install -y wrk >/dev/null; }
cargo build --release --locked -q -p rds-backup-emulator -p rds-backup-proxy
cargo build --release --locked -q -p rds-backup-e2e --example sign_call

work=$(mktemp -d)
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
pids=()
trap cleanup EXIT

target/release/rds-emulator --listen 127.0.0.1:0 --access-key benchid:benchsecret --bench-allow-replay >"$work/emu.out" 2>/dev/null &
pids+=($!)
until grep -q "listening on" "$work/emu.out" 2>/dev/null; do sleep 0.1; done
emu=$(sed -n 's/^listening on //p' "$work/emu.out")

ALIBABA_CLOUD_ACCESS_KEY_ID=benchid ALIBABA_CLOUD_ACCESS_KEY_SECRET=benchsecret HOME="$work" \
  target/release/rds-backup-proxy --listen 127.0.0.1:0 --upstream "$emu" --audit-log "$work/audit.log" >"$work/proxy.out" 2>/dev/null &
pids+=($!)
until grep -q "console:" "$work/proxy.out" 2>/dev/null; do sleep 0.1; done
proxy=$(sed -n 's/^console: //p' "$work/proxy.out")
proxy=${proxy%/}

params=(DBInstanceId=rm-demo-mysql-local)
mapfile -t signed < <(target/release/examples/sign_call "$emu" benchid benchsecret DescribeBackupTasks "${params[@]}")
direct_url=${signed[0]}
headers=()
for h in "${signed[@]:1}"; do headers+=(-H "$h"); done
proxy_url="$proxy/api/backup-tasks?RegionId=cn-hangzhou&DBInstanceId=rm-demo-mysql-local"

# Both paths must answer 200 before we measure.
curl -sf "${headers[@]}" "$direct_url" >/dev/null
curl -sf "$proxy_url" >/dev/null

to_ms() { # wrk prints 812.00us, 1.23ms or 1.02s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
run() { # $1 connections, rest: wrk target args; prints "rps p50 p99"
  local c=$1; shift
  local out
  out=$(wrk -t1 -c"$c" -d"${DURATION}s" --latency "$@")
  if echo "$out" | grep -q "Non-2xx"; then echo "non-2xx answers during the run:" >&2; echo "$out" >&2; exit 1; fi
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
  p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
  echo "$rps $p50 $p99"
}

read -r d1_rps d1_p50 d1_p99 < <(run 1 "${headers[@]}" "$direct_url")
read -r p1_rps p1_p50 p1_p99 < <(run 1 "$proxy_url")
read -r dn_rps dn_p50 dn_p99 < <(run "$CONNECTIONS" "${headers[@]}" "$direct_url")
read -r pn_rps pn_p50 pn_p99 < <(run "$CONNECTIONS" "$proxy_url")

ratio=$(awk -v a="$pn_rps" -v b="$dn_rps" 'BEGIN { printf "%.2f", a / b }')
add1_50=$(awk -v a="$p1_p50" -v b="$d1_p50" 'BEGIN { printf "%.3f", a - b }')
add1_99=$(awk -v a="$p1_p99" -v b="$d1_p99" 'BEGIN { printf "%.3f", a - b }')
addn_50=$(awk -v a="$pn_p50" -v b="$dn_p50" 'BEGIN { printf "%.3f", a - b }')
addn_99=$(awk -v a="$pn_p99" -v b="$dn_p99" 'BEGIN { printf "%.3f", a - b }')

cat <<TABLE
wrk -t1, ${DURATION}s per run, DescribeBackupTasks, $(nproc) cores, $(date -u +%Y-%m-%d)

| path | connections | requests/s | p50 ms | p99 ms |
|---|---|---|---|---|
| emulator direct | 1 | $d1_rps | $d1_p50 | $d1_p99 |
| proxy -> emulator | 1 | $p1_rps | $p1_p50 | $p1_p99 |
| emulator direct | $CONNECTIONS | $dn_rps | $dn_p50 | $dn_p99 |
| proxy -> emulator | $CONNECTIONS | $pn_rps | $pn_p50 | $pn_p99 |

Throughput ratio (proxy / direct, $CONNECTIONS connections): **$ratio** (target >= 0.8).
Added latency at 1 connection: p50 **+$add1_50 ms** (target <= 0.3), p99 +$add1_99 ms.
Added latency at $CONNECTIONS connections: p50 +$addn_50 ms, p99 +$addn_99 ms.
TABLE
