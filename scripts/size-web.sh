#!/usr/bin/env bash
# Where the console's bytes go: the form's module (the first load) and the panels module
# (after the first paint), each shipped wasm's gzip size, the form's code by crate (a
# build that keeps the function names, scripts/wasm-sizes.py), and two floors built the
# same way (web/examples/floor.rs): Yew with one component, and that with what a first
# paint needs of core (choices, validation, the HTTP preview). Release profile of the
# console (web-release), wasm-opt -Oz; its own target dir (target/size).
#   bash scripts/size-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_PATH=$(bash scripts/web-tools.sh)
export PATH="$TOOLS_PATH:$PATH"
export CARGO_TARGET_DIR=target/size CARGO_PROFILE_WEB_RELEASE_STRIP=none
out=target/size/out
rm -rf "$out" && mkdir -p "$out"
wasm_dir=target/size/wasm32-unknown-unknown/web-release

optimise() { # $1 wasm from cargo, $2 name: writes $2.wasm (shipped) and $2.named.wasm
  wasm-bindgen --target web --keep-debug --out-dir "$out/$2" --out-name "$2" "$1"
  wasm-opt -Oz "$out/$2/${2}_bg.wasm" -o "$out/$2.wasm"
  wasm-opt -Oz -g "$out/$2/${2}_bg.wasm" -o "$out/$2.named.wasm"
  printf '%s: wasm %s bytes gzip -9, its JS %s\n' "$2" \
    "$(wasm-opt --strip-debug "$out/$2.wasm" -o - | gzip -9 | wc -c)" \
    "$(gzip -9 -c "$out/$2/$2.js" | wc -c)"
}

cargo build --locked -q --profile web-release --target wasm32-unknown-unknown -p rds-backup-web --bin rds-backup-web
optimise "$wasm_dir/rds-backup-web.wasm" console
cargo build --locked -q --profile web-release --target wasm32-unknown-unknown -p rds-backup-web --bin rds-backup-web-panels
optimise "$wasm_dir/rds-backup-web-panels.wasm" panels
cargo build --locked -q --profile web-release --target wasm32-unknown-unknown -p rds-backup-web --example floor
optimise "$wasm_dir/examples/floor.wasm" floor-yew
cargo build --locked -q --profile web-release --target wasm32-unknown-unknown -p rds-backup-web --example floor --features floor-core
optimise "$wasm_dir/examples/floor.wasm" floor-yew-core
echo
python3 scripts/wasm-sizes.py "$out/console.named.wasm"
