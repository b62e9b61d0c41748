#!/usr/bin/env bash
# Sets up what the tests need on this machine (skipping what is already there) and
# runs every check CI runs: format, lints, unit and end-to-end tests (the emulator and
# the proxy over real sockets, the official Python and Node SDKs as clients, the
# console in headless Chromium), the wasm builds, and the container image.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says when it starts (seconds since the run began), so a slow run shows where.
step() { printf '\n== [%ds] %s\n' "$SECONDS" "$*"; }

# A fresh clone builds everything once: incremental compilation's caches (1.4 GB of
# target/ after the suite) would only be written, never read.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step "toolchain and web tools (trunk, wasm-bindgen, wasm-opt, brotli, chromium; skipped when present)"
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install
TOOLS_PATH=$(bash scripts/web-tools.sh --browser)
export PATH="$TOOLS_PATH:$PATH"

step "Debian tools the tests use (php -l, gofmt, PostgreSQL's server for a throwaway cluster, systemd-analyze, podman and musl for the image; skipped when present)"
missing=()
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v podman >/dev/null || missing+=(podman)
command -v curl >/dev/null || missing+=(curl)
command -v musl-gcc >/dev/null || missing+=(musl-tools)
command -v php >/dev/null || missing+=(php-cli)
command -v gofmt >/dev/null || missing+=(golang-go)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chattr >/dev/null || missing+=(e2fsprogs)
bash scripts/apt-install.sh "${missing[@]}"

step "official SDK and browser test peers (pinned; skipped when up to date)"
bash tests/sdk/setup.sh

step "a temporary directory of this run's own (TMPDIR): what a test leaves in it fails the run"
run_tmp=$(mktemp -d "${TMPDIR:-/tmp}/rds-backup-tests.XXXXXX")
chmod 1777 "$run_tmp" # PostgreSQL's throwaway clusters run as the postgres user
trap 'rm -rf "$run_tmp"' EXIT
export TMPDIR=$run_tmp

step "disk free for target/ (a new clone's run writes about 4 GB there)"
target_dir="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target_dir"
free_mb=$(df -Pm "$target_dir" | awk 'NR==2 {print $4}')
echo "free: ${free_mb} MB on the file system of $target_dir"
if [ "${free_mb:-0}" -lt 5000 ]; then
  echo "warning: less than 5 GB free; the build may run out of disk (the linker then dies with 'Bus error')" >&2
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, native and wasm, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p rds-backup-web -p rds-backup-wasm --all-targets --all-features --target wasm32-unknown-unknown --locked -- -D warnings

step "core builds for wasm32-unknown-unknown"
cargo build -p rds-backup-core --target wasm32-unknown-unknown --locked

step "the console's release build (trunk, wasm-opt -Oz) and the portal packages (target/pkg/)"
trunk build --release --offline
bash scripts/build-packages.sh

step "cargo test (workspace)"
cargo test --workspace --locked

step "console components in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=$(command -v chromedriver) cargo test -p rds-backup-web --target wasm32-unknown-unknown --locked

step "the packages against the CLI (node --test), the console and the example portal in headless Chromium (screenshots in tests/artifacts/)"
node --test --test-concurrency=1 tests/packages/ tests/browser/

step "the container image: built (static musl binary on scratch), run in demo mode, one backup driven through it"
bash scripts/test-image.sh

step "nothing left behind in the run's temporary directory"
left=$(find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'rds-*' -printf '%f\n')
if [ -n "$left" ]; then
  printf 'the tests left these behind (each should remove what it made):\n%s\n' "$left" >&2
  exit 1
fi

printf '\nall checks passed (%ds)\n' "$SECONDS"
