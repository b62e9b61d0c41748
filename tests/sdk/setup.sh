#!/usr/bin/env bash
# Installs the official SDK test peers, pinned: a Python virtualenv (python/.venv) and
# node_modules (node/). Idempotent: a stamp of the pin files' hash skips work already done.
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

node_hash=$(cat node/package.json node/package-lock.json | sha256sum | cut -d' ' -f1)
if stamp_ok node/node_modules/.stamp "$node_hash"; then
  echo "sdk peers: node_modules up to date"
else
  echo "sdk peers: installing the Node SDKs into tests/sdk/node/node_modules"
  (cd node && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$node_hash" > node/node_modules/.stamp
fi
