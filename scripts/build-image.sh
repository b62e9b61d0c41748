#!/usr/bin/env bash
# Builds the proxy's container image with podman, from nothing but this repository: the
# proxy as one static binary (x86_64-unknown-linux-musl), the console's release build,
# the machine's CA certificates, a passwd entry for the non-root user; on `scratch`, so no
# base image and no registry. Stages the context in target/image/, then:
#   podman build -f deploy/Containerfile target/image   ->   localhost/rds-backup-proxy:latest
# Installs what it needs when missing (podman, musl-tools, the musl target).
#   bash scripts/build-image.sh [TAG]
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-localhost/rds-backup-proxy:latest}
target=x86_64-unknown-linux-musl

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v musl-gcc >/dev/null || missing+=(musl-tools)
[ -f /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
bash scripts/apt-install.sh "${missing[@]}"
rustup target list --installed | grep -qx "$target" || rustup target add "$target"

echo "image: the static proxy ($target) ..." >&2
CC_x86_64_unknown_linux_musl=musl-gcc \
  cargo build --release --locked -q -p rds-backup-proxy --target "$target"
bin="target/$target/release/rds-backup-proxy"
if ! ldd "$bin" 2>&1 | grep -qE 'not a dynamic executable|statically linked'; then
  echo "image: $bin is not static: $(ldd "$bin" 2>&1 | head -3)" >&2
  exit 1
fi
if [ ! -f dist/index.html ]; then
  echo "image: the console (trunk build --release) ..." >&2
  TOOLS_PATH=$(bash scripts/web-tools.sh)
  PATH="$TOOLS_PATH:$PATH" trunk build --release --offline >&2
fi

ctx=target/image
rm -rf "$ctx"
mkdir -p "$ctx/etc" "$ctx/state"
cp "$bin" "$ctx/rds-backup-proxy"
cp -r dist "$ctx/dist"
cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt"
printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:65532:65532:rds-backup-proxy:/var/lib/rds-backup-proxy:/sbin/nologin\n' >"$ctx/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$ctx/etc/group"

echo "image: podman build -> $tag" >&2
# The docker format keeps HEALTHCHECK (OCI images have no such field).
podman build --quiet --format docker -f deploy/Containerfile -t "$tag" "$ctx" >/dev/null
podman image inspect "$tag" --format 'image: {{.Id}} {{.Size}} bytes' >&2
