#!/usr/bin/env bash
# Load benchmark: the emulator called directly vs through the signing proxy.
# Same action (DescribeBackupTasks) on the same demo fleet, wrk (Debian) as the load.
#   direct:     wrk replays one V3-signed GET to the emulator (run with --bench-allow-replay).
#   proxy tcp:  wrk calls GET /api/backup-tasks on a proxy started with --upstream <that
#               emulator>; the proxy signs every call afresh and forwards it over HTTP/1.1.
#   proxy demo: the same call on a proxy in demo mode (what the run command starts): the
#               emulator runs inside the proxy's process and gets the signed request
#               without a socket.
#   nginx:      reference only: nginx forwarding the signed GET to the emulator, doing
#               nothing else (no parsing, signing or checks), to show what a second TCP
#               hop alone costs on this machine. Skipped when nginx cannot be installed.
# Each row runs ROUNDS times, interleaved; the table gives medians.
# The proxies log as they do by default (a line per request and per call, to a file).
# Prints a markdown table for BENCHMARKS.md.
#   DURATION=10 CONNECTIONS=16 ROUNDS=5 bash scripts/bench-proxy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
ROUNDS=${ROUNDS:-5}

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
command -v wrk >/dev/null || sudo_ apt-get install -y wrk >/dev/null
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || sudo_ apt-get install -y nginx-light >/dev/null 2>&1 || true
NGINX=$(command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true)
cargo build --release --locked -q -p rds-backup-emulator -p rds-backup-proxy
cargo build --release --locked -q -p rds-backup-e2e --example sign_call

work=$(mktemp -d)
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { # $1 file, $2 prefix of the line that carries the address
  for _ in $(seq 100); do grep -q "^$2" "$1" 2>/dev/null && break; sleep 0.1; done
  sed -n "s/^$2//p" "$1" | head -1
}

target/release/rds-emulator --listen 127.0.0.1:0 --access-key benchid:benchsecret --bench-allow-replay >"$work/emu.out" 2>/dev/null &
pids+=($!)
emu=$(wait_for "$work/emu.out" "listening on ")

ALIBABA_CLOUD_ACCESS_KEY_ID=benchid ALIBABA_CLOUD_ACCESS_KEY_SECRET=benchsecret HOME="$work" \
  target/release/rds-backup-proxy --listen 127.0.0.1:0 --upstream "$emu" --database memory --audit-log "$work/audit.log" ${PROXY_ARGS:-} >"$work/proxy.out" 2>"$work/proxy.err" &
pids+=($!)
proxy=$(wait_for "$work/proxy.out" "console: ")
proxy=${proxy%/}

HOME="$work" target/release/rds-backup-proxy --listen 127.0.0.1:0 --demo --audit-log "$work/audit-demo.log" ${PROXY_ARGS:-} >"$work/demo.out" 2>"$work/demo.err" &
pids+=($!)
demo=$(wait_for "$work/demo.out" "console: ")
demo=${demo%/}

mapfile -t signed < <(target/release/examples/sign_call "$emu" benchid benchsecret DescribeBackupTasks DBInstanceId=rm-demo-mysql-local)
direct_url=${signed[0]}
headers=()
for h in "${signed[@]:1}"; do headers+=(-H "$h"); done
api="/api/backup-tasks?RegionId=cn-hangzhou&DBInstanceId=rm-demo-mysql-local"

nginx_url=
if [ -n "$NGINX" ]; then
  hostport=${emu#http://}
  nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream emu { server $hostport; keepalive 64; }
  server {
    listen 127.0.0.1:$nport;
    location / {
      proxy_pass http://emu;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $hostport;
    }
  }
}
CONF
  if "$NGINX" -p "$work" -c "$work/nginx.conf" 2>/dev/null; then
    for _ in $(seq 50); do [ -s "$work/nginx.pid" ] && break; sleep 0.1; done
    nginx_url="http://127.0.0.1:$nport${direct_url#"$emu"}"
  fi
fi

# Every path must answer 200 before we measure.
curl -sf "${headers[@]}" "$direct_url" >/dev/null
curl -sf "$proxy$api" >/dev/null
curl -sf "$demo$api" >/dev/null
[ -z "$nginx_url" ] || curl -sf "${headers[@]}" "$nginx_url" >/dev/null

to_ms() { # wrk prints 812.00us, 1.23ms or 1.02s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
run() { # $1 row name, $2 connections, rest: wrk target args; appends "rps p50 p99" to $work/<row>-<c>
  local row=$1 c=$2
  shift 2
  local out
  out=$(wrk -t1 -c"$c" -d"${DURATION}s" --latency "$@")
  if echo "$out" | grep -q "Non-2xx"; then echo "non-2xx answers during the run ($row):" >&2; echo "$out" >&2; exit 1; fi
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(to_ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
  p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
  echo "$rps $p50 $p99" >>"$work/$row-$c"
}
median() { # $1 file, $2 column: the median of that column
  awk -v k="$2" '{print $k}' "$1" | sort -g | awk '{v[NR] = $1} END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

for _ in $(seq "$ROUNDS"); do
  for c in 1 "$CONNECTIONS"; do
    run direct "$c" "${headers[@]}" "$direct_url"
    run tcp "$c" "$proxy$api"
    run demo "$c" "$demo$api"
    [ -z "$nginx_url" ] || run nginx "$c" "${headers[@]}" "$nginx_url"
  done
done

row() { # $1 label, $2 row, $3 connections
  echo "| $1 | $3 | $(median "$work/$2-$3" 1) | $(median "$work/$2-$3" 2) | $(median "$work/$2-$3" 3) |"
}
ratio() { awk -v a="$(median "$work/$1-$CONNECTIONS" 1)" -v b="$(median "$work/direct-$CONNECTIONS" 1)" 'BEGIN { printf "%.2f", a / b }'; }
added() { awk -v a="$(median "$work/$1-$2" "$3")" -v b="$(median "$work/direct-$2" "$3")" 'BEGIN { printf "%+.3f", a - b }'; }

echo "wrk -t1, ${DURATION}s per run, median of $ROUNDS interleaved runs, DescribeBackupTasks, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| path | connections | requests/s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|"
for c in 1 "$CONNECTIONS"; do
  row "emulator direct" direct "$c"
  row "proxy, demo mode (emulator in process)" demo "$c"
  row "proxy -> emulator over TCP (--upstream)" tcp "$c"
  [ -z "$nginx_url" ] || row "reference: nginx forwarding only -> emulator" nginx "$c"
done
echo
echo "| path | throughput ratio at $CONNECTIONS connections (target >= 0.8) | added p50 at 1 connection (target <= 0.3 ms) | added p99 at 1 connection |"
echo "|---|---|---|---|"
echo "| proxy, demo mode | **$(ratio demo)** | **$(added demo 1 2) ms** | $(added demo 1 3) ms |"
echo "| proxy over TCP | **$(ratio tcp)** | **$(added tcp 1 2) ms** | $(added tcp 1 3) ms |"
[ -z "$nginx_url" ] || echo "| reference: nginx | $(ratio nginx) | $(added nginx 1 2) ms | $(added nginx 1 3) ms |"
