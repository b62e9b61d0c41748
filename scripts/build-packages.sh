#!/usr/bin/env bash
# Builds the ES-module packages for portals into target/pkg/ (wasm-bindgen --target web,
# wasm-opt -Oz; they load in browsers and, with initSync, in Node):
#   rds-backup-rules/       choices, validate, preview, snippet, policy    (crates/wasm)
#   rds-backup-rules-lite/  choices and validate only: the rules alone     (crates/wasm, no "full")
#   rds-backup-console/     <rds-backup-console> and mount()                (web: the form's
#                           module, its panels module loaded after it, the catalogues)
#   bash scripts/build-packages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_PATH=$(bash scripts/web-tools.sh)
export PATH="$TOOLS_PATH:$PATH"
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
wasm_dir=target/wasm32-unknown-unknown/web-release
out=target/pkg

bindgen() { # $1 wasm file, $2 package dir, $3 module name
  rm -rf "$2"
  wasm-bindgen --target web --out-dir "$2" --out-name "$3" "$1"
  wasm-opt -Oz "$2/${3}_bg.wasm" -o "$2/${3}_bg.wasm"
}

package_json() { # $1 dir, $2 name, $3 description, $4 main, $5 types
  cat > "$1/package.json" <<JSON
{
  "name": "$2",
  "version": "$version",
  "description": "$3",
  "license": "Apache-2.0",
  "type": "module",
  "main": "$4",
  "types": "$5",
  "sideEffects": $( [ "$2" = rds-backup-console ] && echo true || echo false )
}
JSON
}

cargo build --locked -q --profile web-release --target wasm32-unknown-unknown -p rds-backup-wasm
bindgen "$wasm_dir/rds_backup_wasm.wasm" "$out/rds-backup-rules" rds_backup_rules
package_json "$out/rds-backup-rules" rds-backup-rules "CreateBackup rules for ApsaraDB RDS: choices, validate, preview, snippet, policy." rds_backup_rules.js rds_backup_rules.d.ts

cargo build --locked -q --profile web-release --target wasm32-unknown-unknown -p rds-backup-wasm --no-default-features
bindgen "$wasm_dir/rds_backup_wasm.wasm" "$out/rds-backup-rules-lite" rds_backup_rules
package_json "$out/rds-backup-rules-lite" rds-backup-rules-lite "CreateBackup rules for ApsaraDB RDS, validation only: choices, validate." rds_backup_rules.js rds_backup_rules.d.ts

cargo build --locked -q --profile web-release --target wasm32-unknown-unknown -p rds-backup-web --lib --features embed
bindgen "$wasm_dir/rds_backup_web.wasm" "$out/rds-backup-console" rds_backup_web
# The panels module, which the form's module imports once it has painted.
cargo build --locked -q --profile web-release --target wasm32-unknown-unknown -p rds-backup-web --bin rds-backup-web-panels
panels=$(mktemp -d)
wasm-bindgen --target web --no-typescript --out-dir "$panels" --out-name rds_backup_web_panels "$wasm_dir/rds-backup-web-panels.wasm"
wasm-opt -Oz "$panels/rds_backup_web_panels_bg.wasm" -o "$out/rds-backup-console/rds_backup_web_panels_bg.wasm"
cp "$panels/rds_backup_web_panels.js" "$out/rds-backup-console/"
rm -rf "$panels"
cp web/element.js web/style.css web/panels.css "$out/rds-backup-console/"
# The catalogues (all but the form's English, built in), fetched when needed.
mkdir -p "$out/rds-backup-console/locales"
cp web/locales/zh-CN.json web/locales/id.json "$out/rds-backup-console/locales/"
cp -r web/locales/advice web/locales/panels "$out/rds-backup-console/locales/"
package_json "$out/rds-backup-console" rds-backup-console "The RDS backup console as <rds-backup-console> and mount(element, options)." element.js rds_backup_web.d.ts

for p in "$out"/*/; do
  printf '%s: %s bytes gzip -9 (the .js, .wasm and .css files; the catalogues apart)\n' "$(basename "$p")" "$(cat "$p"/*.js "$p"/*.wasm "$p"/*.css 2>/dev/null | gzip -9 | wc -c)"
done
