#!/usr/bin/env bash
# A fleet plan's preview time: POST /api/plans over 1,000 of the emulator's generated
# fleet of 5,000 instances (four regions, every engine and storage kind), release builds,
# the proxy with its SQLite file, the emulator a process of its own (--upstream, signed
# calls over 127.0.0.1). The proxy lists the four regions (DescribeDBInstances, 100 per
# page), reads each selected instance's sets of today and running tasks (DescribeBackups,
# DescribeBackupTasks; DescribeDatabases too for a logical intent), judges each in core
# and commits the plan. ROUNDS plans per intent, interleaved; prints a markdown table of
# medians for BENCHMARKS.md.
#   ROUNDS=7 bash scripts/bench-plan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-7}

cargo build --release --locked -q -p rds-backup-emulator -p rds-backup-proxy
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

wait_for() { # $1 file, $2 prefix of the line that carries the address
  for _ in $(seq 100); do grep -q "^$2" "$1" 2>/dev/null && break; sleep 0.1; done
  sed -n "s/^$2//p" "$1" | head -1
}

target/release/rds-emulator --listen 127.0.0.1:0 --access-key benchid:benchsecret --generate-fleet 5000 >"$work/emu.out" 2>/dev/null &
pids+=($!)
emu=$(wait_for "$work/emu.out" "listening on ")
ALIBABA_CLOUD_ACCESS_KEY_ID=benchid ALIBABA_CLOUD_ACCESS_KEY_SECRET=benchsecret HOME="$work" \
  target/release/rds-backup-proxy --listen 127.0.0.1:0 --upstream "$emu" --database "sqlite://$work/record.db" \
  --metrics-listen 127.0.0.1:0 \
  --audit-log "$work/audit.log" >"$work/proxy.out" 2>"$work/proxy.err" &
pids+=($!)
proxy=$(wait_for "$work/proxy.out" "console: ")
metrics=$(wait_for "$work/proxy.out" "metrics: ")
[ -n "$proxy" ] || { cat "$work/proxy.err"; exit 1; }

python3 - "$proxy" "$metrics" "$ROUNDS" <<'PY'
import json, statistics, sys, time, urllib.request
proxy, metrics, rounds = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3])
regions = ["cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1"]
plans = {
    "whole-instance": {"Selection": {"RegionIds": regions, "Match": "*-fleet-00???"}, "Intent": "whole-instance"},
    "logical-databases app": {"Selection": {"RegionIds": regions, "Match": "*-fleet-00???"},
                              "Intent": "logical-databases", "DBNames": "app"},
}
def calls():
    text = urllib.request.urlopen(metrics).read().decode()
    return sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines()
               if l.startswith("rds_backup_proxy_upstream_calls_total{"))
times = {k: [] for k in plans}
per_plan = {}
summary = {}
for _ in range(rounds):
    for name, body in plans.items():
        before = calls()
        req = urllib.request.Request(proxy + "/api/plans", data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
        t = time.perf_counter()
        answer = json.load(urllib.request.urlopen(req))
        times[name].append(time.perf_counter() - t)
        per_plan[name] = calls() - before
        summary[name] = answer["Summary"]
        assert len(answer["Items"]) == 1000, len(answer["Items"])
print(f"{rounds} plans per intent over 1,000 of 5,000 instances, {time.strftime('%Y-%m-%d')}:\n")
print("| intent | items (can run / cannot) | upstream calls per plan | median | fastest | slowest |")
print("|---|---|---|---|---|---|")
for name in plans:
    ts = times[name]
    s = summary[name]
    print(f"| {name} | {s['runnable']} / {s['refused']} | {per_plan[name]:.0f} | "
          f"{statistics.median(ts)*1000:.0f} ms | {min(ts)*1000:.0f} ms | {max(ts)*1000:.0f} ms |")
PY
