#!/usr/bin/env bash
# The credential soak at full size (CI runs the same tests scaled down):
#   rotation: the proxy on the emulator's metadata service with 60-second keys, under
#             steady load (4 clients) for 5 minutes: 0 failed calls, every call signed with
#             a key valid at that moment (the emulator refuses expired ones), never more
#             than one refresh in flight (counted by the proxy and by the metadata service);
#   outage:   60-second keys; the metadata service stopped 2 s before a refresh is due for
#             10 s (the key still valid: 0 failures), then for 2 minutes past the key's
#             expiry (clear Proxy.CredentialsUnavailable errors, recovery once it is back).
# Prints the tests' figures.
#   bash scripts/soak-credentials.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/sdk/setup.sh >/dev/null
export RDS_BACKUP_ROTATION_KEY_SECS=${RDS_BACKUP_ROTATION_KEY_SECS:-60}
export RDS_BACKUP_ROTATION_SECS=${RDS_BACKUP_ROTATION_SECS:-300}
export RDS_BACKUP_OUTAGE_KEY_SECS=${RDS_BACKUP_OUTAGE_KEY_SECS:-60}
export RDS_BACKUP_OUTAGE2_SECS=${RDS_BACKUP_OUTAGE2_SECS:-120}
# Arguments pick the tests (default both): keys_from_the_metadata_service_rotate, a_metadata_outage.
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(keys_from_the_metadata_service_rotate a_metadata_outage)
# The harness prints a test's name on the line its output starts on: keep from the figure on.
cargo test --release --locked -q -p rds-backup-e2e --test credentials -- --nocapture --test-threads 1 \
  "${tests[@]}" 2>&1 | grep -oE '(rotation|outage [0-9]):.*|test result.*|panicked.*|FAILED.*'
