#!/usr/bin/env bash
# Fleet plans at full size: a run over the generated fleet of 1,000 instances with jobs
# of 1 s (50 at once, 20 in a region, 20 CreateBackup calls a second), counted at the
# emulator: every runnable instance backed up exactly once, never more jobs at once or
# calls in a second than the limits, the proxy's peak memory; then kill -9 mid-run and a
# restart, a run against an emulator that throttles one call in four, and two plans
# running at once under the proxy's one rate. CI runs the
# same tests at 120 instances (tests/plans.rs). Prints the figures.
#   bash scripts/run-plans.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RDS_PLAN_RUN_SIZE=${RDS_PLAN_RUN_SIZE:-1000} cargo test --release --locked -q -p rds-backup-e2e --test plans -- \
  --nocapture --test-threads 1 a_run_backs_up a_proxy_killed throttled_calls two_plans 2>&1 | grep -oE '(run|kill -9|throttling|two plans at once): .*|test result.*|panicked.*'
