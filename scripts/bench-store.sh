#!/usr/bin/env bash
# The cost of the write-ahead record: the latency of POST /api/backups (one CreateBackup,
# committed to the store before it is sent, its outcome after) with the record in memory
# (SQLite in memory: the same code path without durable I/O, the baseline), in an SQLite
# file (WAL, synchronous=FULL) and in PostgreSQL (a throwaway local cluster, fsync on).
# Each store has its own proxy (release build, --upstream) and its own emulator (100
# instances, jobs that end at once); a Python client posts sequentially over one
# keep-alive connection, round-robin over the instances; ROUNDS rounds of REQUESTS posts
# per store, interleaved. Prints a markdown table (medians) for BENCHMARKS.md.
#   ROUNDS=3 REQUESTS=300 bash scripts/bench-store.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
REQUESTS=${REQUESTS:-300}

cargo build --release --locked -q -p rds-backup-emulator -p rds-backup-proxy
work=$(mktemp -d)
pids=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  [ -n "$pg_bin" ] && [ -d "$work/pg" ] && as_pg "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { # $1 file, $2 prefix of the line that carries the address
  for _ in $(seq 100); do grep -q "^$2" "$1" 2>/dev/null && break; sleep 0.1; done
  sed -n "s/^$2//p" "$1" | head -1
}

python3 - "$work/fleet.json" <<'PY'
import json, sys
json.dump({"Instances": [{"DBInstanceId": f"pgm-bench-{i:03d}", "RegionId": "cn-hangzhou", "Engine": "PostgreSQL",
                          "DBInstanceStorageType": "cloud_essd"} for i in range(100)]}, open(sys.argv[1], "w"))
PY

stores=(memory "sqlite://$work/record.db")
labels=("memory (baseline)" "SQLite file")
if [ -n "$pg_bin" ]; then
  mkdir -p "$work/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$work" "$work/pg"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$pg_bin/initdb" -D "$work/pg" -U rds -A trust -E UTF8 >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -o "-p $port -k $work -c listen_addresses=127.0.0.1" -w start >/dev/null
  stores+=("postgres://rds@127.0.0.1:$port/postgres")
  labels+=("PostgreSQL")
fi

urls=()
for i in "${!stores[@]}"; do
  target/release/rds-emulator --listen 127.0.0.1:0 --access-key benchid:benchsecret --fleet "$work/fleet.json" --job-seconds 0 >"$work/emu$i.out" 2>/dev/null &
  pids+=($!)
  emu=$(wait_for "$work/emu$i.out" "listening on ")
  ALIBABA_CLOUD_ACCESS_KEY_ID=benchid ALIBABA_CLOUD_ACCESS_KEY_SECRET=benchsecret HOME="$work" \
    target/release/rds-backup-proxy --listen 127.0.0.1:0 --upstream "$emu" --database "${stores[$i]}" \
    --audit-log "$work/audit$i.log" >"$work/proxy$i.out" 2>/dev/null &
  pids+=($!)
  url=$(wait_for "$work/proxy$i.out" "console: ")
  urls+=("${url%/}")
done

for round in $(seq "$ROUNDS"); do
  for i in "${!urls[@]}"; do
    python3 - "${urls[$i]}" "$REQUESTS" "$round" >>"$work/lat$i" <<'PY'
import http.client, json, sys, time
url, n, round_ = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
host = url.split("//")[1]
conn = http.client.HTTPConnection(host)
for k in range(n):
    i = ((round_ - 1) * n + k) % 100
    body = json.dumps({"RegionId": "cn-hangzhou", "DBInstanceId": f"pgm-bench-{i:03d}", "BackupMethod": "Snapshot"})
    t = time.perf_counter()
    conn.request("POST", "/api/backups", body, {"content-type": "application/json"})
    r = conn.getresponse()
    r.read()
    dt = (time.perf_counter() - t) * 1000
    if r.status != 200:
        sys.exit(f"HTTP {r.status} from {url}")
    print(f"{dt:.3f}")
PY
  done
done

pct() { # $1 file, $2 percentile
  sort -g "$1" | awk -v p="$2" '{v[NR] = $1} END { i = int(NR * p / 100 + 0.5); if (i < 1) i = 1; printf "%.3f", v[i] }'
}
base=$(pct "$work/lat0" 50)
echo "POST /api/backups, sequential over one connection, $((ROUNDS * REQUESTS)) per store in $ROUNDS interleaved rounds, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| record | p50 ms | p90 ms | p99 ms | added p50 vs memory |"
echo "|---|---|---|---|---|"
for i in "${!urls[@]}"; do
  p50=$(pct "$work/lat$i" 50)
  echo "| ${labels[$i]} | $p50 | $(pct "$work/lat$i" 90) | $(pct "$work/lat$i" 99) | $(awk -v a="$p50" -v b="$base" 'BEGIN { printf "%+.3f ms", a - b }') |"
done
