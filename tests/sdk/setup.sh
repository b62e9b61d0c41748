#!/usr/bin/env bash
# Installs the test peers, pinned: the official SDKs (a Python virtualenv in python/.venv,
# node_modules in node/) and playwright-core for the browser tests (tests/browser/). Idempotent: a stamp of the pin files' hash skips work already done.
set -euo pipefail
cd "$(dirname "$0")"

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

py_hash=$(sha256sum python/requirements.txt | cut -d' ' -f1)
if stamp_ok python/.venv/.stamp "$py_hash"; then
  echo "sdk peers: python virtualenv up to date"
else
  echo "sdk peers: installing the Python SDKs into tests/sdk/python/.venv"
  [ -x python/.venv/bin/python ] || python3 -m venv python/.venv
  python/.venv/bin/pip install --quiet --disable-pip-version-check -r python/requirements.txt
  echo "$py_hash" > python/.venv/.stamp
fi

# The Node SDKs here, and playwright-core for the browser tests beside.
for dir in node ../browser; do
  node_hash=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
  if stamp_ok "$dir/node_modules/.stamp" "$node_hash"; then
    echo "test peers: $dir/node_modules up to date"
  else
    echo "test peers: npm ci in tests/sdk/$dir"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$node_hash" > "$dir/node_modules/.stamp"
  fi
done
