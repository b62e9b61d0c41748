#!/usr/bin/env bash
# Builds the container image (scripts/build-image.sh), runs it in demo mode on this
# machine's loopback, and drives it: the image's own health check passes, the console's
# files are served, one backup is started and followed to Finished in the record, the
# process runs as the non-root user, and SIGTERM stops it cleanly. Every step bounded.
#   bash scripts/test-image.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tag=localhost/rds-backup-proxy:test
bash scripts/build-image.sh "$tag"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
name="rds-backup-image-test-$$"
base="http://127.0.0.1:$port"
# This sandbox's kind of machine: hybrid cgroups (crun refuses them) and no
# CAP_SYS_RESOURCE (podman's default ulimits cannot be set). Run podman in a mount
# namespace without the cgroup2 hierarchy, with limits the machine allows.
run=(podman)
if [ -d /sys/fs/cgroup/unified ] && mountpoint -q /sys/fs/cgroup/unified; then
  run=(unshare --mount --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec podman "$@"' podman)
fi
limits=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)

cleanup() { podman rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
"${run[@]}" run -d --name "$name" --network host "${limits[@]}" \
  --health-interval disable --health-cmd "[\"/usr/local/bin/rds-backup-proxy\", \"--healthcheck\", \"$base/api/health/ready\"]" \
  "$tag" --demo --listen "127.0.0.1:$port" --dist /usr/share/rds-backup-console >/dev/null

fail() { echo "image test: $*" >&2; podman logs "$name" 2>&1 | tail -20 >&2; exit 1; }
for _ in $(seq 1 100); do
  curl -fsS "$base/api/health/live" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$base/api/health/ready" | grep -q '"status":"ok"' || fail "not ready"
"${run[@]}" healthcheck run "$name" >/dev/null || fail "the image's health check failed"
[ "$(podman image inspect "$tag" --format '{{.Config.User}}')" = "65532:65532" ] || fail "the image's user is not 65532"
pid=$(podman inspect "$name" --format '{{.State.Pid}}')
[ "$(stat -c %u /proc/"$pid")" = 65532 ] || fail "the proxy runs as uid $(stat -c %u /proc/"$pid")"
curl -fsS "$base/" | grep -q '<title>RDS backup console' || fail "the console's index.html is not served"

body='{"RegionId":"cn-hangzhou","DBInstanceId":"rm-demo-mysql-cloud","BackupMethod":"Snapshot"}'
answer=$(curl -sS -X POST "$base/api/backups" -H 'content-type: application/json' -d "$body")
job=$(printf '%s' "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["BackupJobId"])') || fail "no backup: $answer"
id=$(printf '%s' "$answer" | python3 -c 'import json,sys; print(json.load(sys.stdin)["SubmissionId"])')
status=
for _ in $(seq 1 60); do
  status=$(curl -fsS "$base/api/history/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("BackupStatus") or "")')
  [ "$status" = Finished ] && break
  sleep 0.5
done
[ "$status" = Finished ] || fail "job $job is '$status', not Finished"

podman stop -t 15 "$name" >/dev/null
code=$(podman inspect "$name" --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
echo "image test: $tag ran as 65532, healthy, served the console, backup job $job Finished, stopped cleanly"
