#!/usr/bin/env bash
# Installs the cercle that action/cache-key.sh chose, at CERCLE_BIN:
#
# - CERCLE_SOURCE=release: downloads the archive of the runner's platform
#   from the release CERCLE_TAG of the action's repository and checks it
#   against the SHA-256 published with it before anything is extracted. At
#   the action's own tag (CERCLE_VERSION empty), a release that cannot be
#   downloaded falls back to building the action's checkout, with a
#   warning; a sum that does not match never does.
# - CERCLE_SOURCE=build: `cargo build --locked --release` of the action's
#   own checkout (GITHUB_ACTION_PATH), Cargo.lock as is.
#
# Environment: CERCLE_SOURCE, CERCLE_TAG, CERCLE_BIN, CERCLE_VERSION,
# CERCLE_REPOSITORY (github.action_repository; default cercle-lint/cercle),
# CERCLE_RELEASE_URL (the download base, default
# $GITHUB_SERVER_URL/REPOSITORY/releases/download), GITHUB_ACTION_PATH,
# RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP.
set -euo pipefail
action=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
bin=${CERCLE_BIN:?CERCLE_BIN is not set}
dir=$(dirname "$bin")
mkdir -p "$dir"
work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/cercle-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

annotate() {
  # $1: error or warning; $2: the message (%, CR and LF escaped).
  local msg=${2//'%'/'%25'}
  msg=${msg//$'\r'/'%0D'}
  msg=${msg//$'\n'/'%0A'}
  echo "::$1 title=cercle::$msg"
}

build() {
  echo "Building cercle from the action's checkout ($action) with cargo build --locked --release"
  if ! command -v cargo > /dev/null; then
    annotate error "cargo is needed to build cercle at this ref (no release binary): add a Rust toolchain to the job, or use a release tag of the action"
    exit 1
  fi
  cargo build --locked --release --manifest-path "$action/Cargo.toml" \
    --target-dir "$work/target"
  cp "$work/target/release/$(basename "$bin")" "$bin"
}

# The release target of this runner, empty when there is no binary for it.
target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) echo "" ;;
  esac
}

sha256() {
  if command -v sha256sum > /dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Downloads and checks the release archive; returns 1 when it cannot be
# downloaded, exits when its sum does not match.
download() {
  local tag=$1 target archive base expected actual
  target=$(target)
  if [ -z "$target" ]; then
    echo "No release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"
    return 1
  fi
  if [ "$target" = x86_64-pc-windows-msvc ]; then
    archive="cercle-$target.zip"
  else
    archive="cercle-$target.tar.gz"
  fi
  base=${CERCLE_RELEASE_URL:-${GITHUB_SERVER_URL:-https://github.com}/${CERCLE_REPOSITORY:-cercle-lint/cercle}/releases/download}
  echo "Downloading $base/$tag/$archive"
  if ! curl -fsSL --retry 3 -o "$work/$archive" "$base/$tag/$archive" \
    || ! curl -fsSL --retry 3 -o "$work/$archive.sha256" "$base/$tag/$archive.sha256"; then
    return 1
  fi
  expected=$(cut -d' ' -f1 < "$work/$archive.sha256" | tr 'A-F' 'a-f')
  actual=$(sha256 "$work/$archive")
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    annotate error "$archive of release $tag: SHA-256 $actual, but the release publishes ${expected:-nothing}: not installed"
    exit 1
  fi
  echo "SHA-256 $actual: ok"
  mkdir "$work/x"
  if [ "${archive##*.}" = zip ]; then
    unzip -q "$work/$archive" -d "$work/x"
  else
    tar -xzf "$work/$archive" -C "$work/x"
  fi
  cp "$work/x/cercle-$target/$(basename "$bin")" "$bin"
  chmod +x "$bin"
}

case "${CERCLE_SOURCE:-build}" in
  release)
    if ! download "${CERCLE_TAG:?CERCLE_TAG is not set}"; then
      if [ -n "${CERCLE_VERSION:-}" ]; then
        annotate error "cercle $CERCLE_TAG: no release binary could be downloaded for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"
        exit 1
      fi
      annotate warning "cercle $CERCLE_TAG: no release binary could be downloaded for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; building the action's checkout instead"
      build
    fi
    ;;
  build) build ;;
  *)
    annotate error "unknown CERCLE_SOURCE '$CERCLE_SOURCE'"
    exit 1
    ;;
esac
"$bin" --version | head -n 1
