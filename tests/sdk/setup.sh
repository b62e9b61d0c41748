#!/usr/bin/env bash
# Installs the test peers, pinned: the official SDKs (a Python virtualenv in python/.venv,
# node_modules in node/) and playwright-core for the browser tests (tests/browser/).
# Idempotent and fast when done: a stamp of the pin files' hash skips work already done.
# Needs python3 (3.11, with venv), node 20 and npm; reaches PyPI and npm by package name.
set -euo pipefail
cd "$(dirname "$0")"

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# Does the virtualenv hold exactly the pinned versions already? (names compared the way pip
# normalises them: case, '-', '_' and '.' alike)
venv_satisfies() {
  local want have
  want=$(grep -Ev '^[[:space:]]*(#|$)' python/requirements.txt | tr 'A-Z_.' 'a-z--' | sort)
  have=$(python/.venv/bin/python -m pip freeze --disable-pip-version-check 2>/dev/null | tr 'A-Z_.' 'a-z--' | sort) || return 1
  [ -z "$(comm -23 <(echo "$want") <(echo "$have"))" ]
}

py_hash=$(sha256sum python/requirements.txt | cut -d' ' -f1)
if stamp_ok python/.venv/.stamp "$py_hash"; then
  echo "sdk peers: python/.venv up to date"
elif [ -x python/.venv/bin/python ] && venv_satisfies; then
  echo "$py_hash" > python/.venv/.stamp
  echo "sdk peers: python/.venv already holds the pinned packages"
else
  echo "sdk peers: installing python/requirements.txt into python/.venv"
  [ -x python/.venv/bin/python ] || python3 -m venv python/.venv
  python/.venv/bin/python -m pip install --quiet --disable-pip-version-check -r python/requirements.txt
  echo "$py_hash" > python/.venv/.stamp
fi

# The Node SDKs here, and playwright-core for the browser tests beside. --ignore-scripts:
# the only install script (@alicloud/openapi-core's) does nothing on Node 20.
for dir in node ../browser; do
  [ -f "$dir/package-lock.json" ] || continue
  node_hash=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
  if stamp_ok "$dir/node_modules/.stamp" "$node_hash"; then
    echo "sdk peers: $dir/node_modules up to date"
  else
    echo "sdk peers: npm ci in $dir"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$node_hash" > "$dir/node_modules/.stamp"
  fi
done
