#!/usr/bin/env bash
# Decides which cercle the action runs, where it lives, and its cache key.
#
# - `version` input `local`: built from the action's own checkout
#   (`cargo build --locked --release`);
# - `version` X.Y.Z or vX.Y.Z: the binary of that release of the action's
#   repository, checked against its SHA-256;
# - empty (the default): the action's own ref (`github.action_ref`). A
#   release tag (`v0.1.0`, or a moving `v0`) runs the binary of the release
#   of the version in the action's Cargo.toml; a branch or a commit builds
#   the action's checkout.
# A crate is never installed by name.
#
# Environment: CERCLE_VERSION (input), CERCLE_ACTION_REF (github.action_ref,
# handed through env: because composite actions do not set
# GITHUB_ACTION_REF), GITHUB_ACTION_PATH, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP.
#
# Outputs ($GITHUB_OUTPUT, else stdout):
#   source  release or build
#   tag     the release tag (source=release)
#   dir     the directory holding the binary (what is cached)
#   bin     the binary: dir/cercle, dir/cercle.exe on Windows
#   key     the cache key: runner, then the release tag or a hash of the
#           action's source (hashFiles() only sees the workspace)
set -euo pipefail
action=${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$action"
version=${CERCLE_VERSION:-}
ref=${CERCLE_ACTION_REF:-}
if [ -z "$ref" ]; then
  # The runner checks an action out at _actions/OWNER/REPO/REF.
  case "$action" in
    */_actions/*/*/*) ref=$(basename "$action") ;;
  esac
fi

crate_version() {
  # The version of Cargo.toml's [package] section.
  awk '/^\[/ { p = ($0 == "[package]") } p && /^version *=/ { gsub(/.*= *"|".*/, ""); print; exit }' Cargo.toml
}

source=build
tag=
if [ "$version" = local ]; then
  source=build
elif [ -n "$version" ]; then
  source=release
  tag="v${version#v}"
elif [[ "$ref" =~ ^v[0-9]+(\.[0-9]+)*([-+].*)?$ ]]; then
  source=release
  tag="v$(crate_version)"
fi

exe=
if [ "${RUNNER_OS:-}" = Windows ]; then
  exe=.exe
fi
os=${RUNNER_OS:-os}
arch=${RUNNER_ARCH:-arch}
if [ "$source" = release ]; then
  id="$tag"
else
  hash=$(find Cargo.toml Cargo.lock build.rs src rules -type f -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-20)
  id="src-$hash"
fi
dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/cercle-action/$id"
{
  echo "source=$source"
  echo "tag=$tag"
  echo "dir=$dir"
  echo "bin=$dir/cercle$exe"
  echo "key=cercle-$os-$arch-$id-cercle$exe"
} >> "${GITHUB_OUTPUT:-/dev/stdout}"
