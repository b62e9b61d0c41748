#!/usr/bin/env bash
# The last step of Trunk's post_build hook (scripts/web-assets.sh): writes a gzip -9 and a
# brotli -q 11 copy beside every asset of the build, so that the proxy serves them precompressed (tower-http's
# ServeDir: brotli to a browser that accepts it, Chromium does even on 127.0.0.1, gzip
# otherwise) instead of compressing the wasm again on every console load (15 to 28 ms
# each, measured). Without brotli (scripts/web-tools.sh installs it) only the gzip copies
# are written, and it says so.
#   TRUNK_STAGING_DIR=dist bash scripts/precompress.sh
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?set by trunk build}"
br=yes
command -v brotli >/dev/null || {
  br=
  echo "precompress: brotli is not installed (bash scripts/web-tools.sh installs it): gzip copies only" >&2
}
find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.json' \) \
  -print0 | while IFS= read -r -d '' f; do
  gzip -9 -n -k -f "$f"
  [ -z "$br" ] || brotli -q 11 -k -f "$f"
done
