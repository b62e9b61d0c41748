#!/usr/bin/env bash
# Installs Debian packages quietly (with sudo when not root); nothing to do without any.
# Writes nothing to stdout: scripts/web-tools.sh prints a PATH there.
#   bash scripts/apt-install.sh PACKAGE...
set -euo pipefail
[ $# -gt 0 ] || exit 0
sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
