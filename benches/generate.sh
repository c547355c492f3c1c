#!/bin/sh
# Generates the benchmark corpus (deterministic: same seed, same bytes) and
# builds the release binary, so that the CLI can be timed by hand:
#
#   benches/generate.sh /tmp/cercle-corpus
#   /usr/bin/time -v target/release/cercle inventory /tmp/cercle-corpus --format json --threads 2 > /dev/null
#
# DIR defaults to $CERCLE_BENCH_DIR, else <target dir>/cercle-bench-corpus.
# CERCLE_BENCH_ROOTS (default 500) scales the corpus. An existing DIR is
# replaced only if it holds a corpus written by this generator.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --locked
if [ $# -ge 1 ]; then
    exec cargo bench --locked --bench inventory -- --generate-only "$1"
else
    exec cargo bench --locked --bench inventory -- --generate-only
fi
