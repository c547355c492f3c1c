#!/usr/bin/env bash
# The cache key of the installed cercle: the runner, and either the version
# asked for or a hash of the action's own source (hashFiles() only sees the
# workspace, not the action's directory).
set -euo pipefail
cd "${GITHUB_ACTION_PATH:-$(dirname "$0")/..}"
version=${CERCLE_VERSION:-}
if [ -z "$version" ] || [ "$version" = local ]; then
  hash=$(find Cargo.toml Cargo.lock build.rs src rules -type f -print0 \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-20)
  version="src-$hash"
fi
echo "key=cercle-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-$version" >> "${GITHUB_OUTPUT:-/dev/stdout}"
