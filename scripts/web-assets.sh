#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml): the files the console loads after its first paint.
# The panels module (the web crate's second binary, rds-backup-web-panels, built as Trunk
# built the first: same profile, wasm-bindgen, wasm-opt -Oz; and web/panels.css) and the
# catalogues
# (web/locales/: every language's form texts, advice and panel texts but the form's
# English, built into the wasm) go into the build under hashed names (the proxy has every
# file cached for a year) and are listed in index.html's
#   <meta name="rds-backup-console-assets" content="panels.js=/... zh-CN=/locales/...">,
# which the console reads. Then the JS is minified (terser) and every asset gets its gzip
# and brotli copy (scripts/precompress.sh).
#   TRUNK_STAGING_DIR=dist bash scripts/web-assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(cd "${TRUNK_STAGING_DIR:?set by trunk build}" && pwd)
base="${TRUNK_PUBLIC_URL:-/}"
listed=()

# The panels module.
if [ "${TRUNK_PROFILE:-release}" = release ]; then
  profile=(--profile web-release)
  built=target/wasm32-unknown-unknown/web-release
else
  profile=()
  built=target/wasm32-unknown-unknown/debug
fi
built="${CARGO_TARGET_DIR:-target}/${built#target/}"
cargo build --locked -q "${profile[@]}" --target wasm32-unknown-unknown -p rds-backup-web --bin rds-backup-web-panels
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name panels "$built/rds-backup-web-panels.wasm"
if [ "${TRUNK_PROFILE:-release}" = release ]; then
  wasm-opt -Oz "$tmp/panels_bg.wasm" -o "$tmp/panels_bg.wasm"
fi
# wasm-bindgen writes the crate's JS snippets (the form's loader of this module) whether
# or not this module uses them; it must not import any, as they are not copied.
if grep -q "snippets/" "$tmp/panels.js"; then
  echo "web-assets: the panels module imports a JS snippet, which is not copied" >&2
  exit 1
fi
name="rds-backup-web-panels-$(cat "$tmp/panels.js" "$tmp/panels_bg.wasm" | sha256sum | cut -c1-16)"
sed "s/panels_bg\.wasm/${name}_bg.wasm/" "$tmp/panels.js" > "$dir/$name.js"
cp "$tmp/panels_bg.wasm" "$dir/${name}_bg.wasm"
listed+=("panels.js=${base}$name.js" "panels.wasm=${base}${name}_bg.wasm")
# Its stylesheet.
css="panels-$(sha256sum web/panels.css | cut -c1-16).css"
cp web/panels.css "$dir/$css"
listed+=("panels.css=${base}$css")

# The catalogues: each language's form texts (web/locales/<tag>.json; English is built in),
# its advice on error codes (advice/) and the panels' texts (panels/), in one folder named
# by the hash of them all.
locales="locales-$(find web/locales -name '*.json' | sort | xargs cat | sha256sum | cut -c1-16)"
mkdir -p "$dir/$locales"
(cd web/locales && find . -name '*.json' ! -path './en.json' -print0 | xargs -0 cp --parents -t "$dir/$locales")
listed+=("locales=${base}$locales/")

# index.html names the assets where its <meta> holds "@assets@" (quoted or not: the
# build minifies the page).
grep -q '@assets@' "$dir/index.html" || {
  echo "web-assets: index.html has no <meta name=\"rds-backup-console-assets\" content=\"@assets@\">" >&2
  exit 1
}
sed -i -E "s|content=\"?@assets@\"?|content=\"${listed[*]}\"|" "$dir/index.html"
# The JS glue minified (Trunk's own JS minifier does not parse wasm-bindgen's output: it
# warns "Failed to minify JS" and copies it as is).
if [ "${TRUNK_PROFILE:-release}" = release ]; then
  if command -v terser >/dev/null; then
    find "$dir" -name '*.js' -print0 | while IFS= read -r -d '' f; do
      terser "$f" --module --compress --mangle -o "$f.min"
      mv "$f.min" "$f"
    done
  else
    echo "web-assets: terser is not installed (bash scripts/web-tools.sh installs it): JS left as is" >&2
  fi
fi
bash scripts/precompress.sh
