#!/bin/sh
# Long mode of the evaluation fuzz targets (tests/fuzz_eval.rs): each target
# runs for SECONDS (default 1200) at the lowest priority, one after the
# other, in one process; the figures (cases, time, crashes) go to stderr and
# to LOG. Usage: tools/fuzz-long.sh [SECONDS] [SEED] [LOG]
set -eu
seconds=${1:-1200}
seed=${2:-$(date +%s)}
log=${3:-target/fuzz-long.log}
cd "$(dirname "$0")/.."
echo "fuzz_eval long mode: seed $seed, $seconds s per target, started $(date -u +%FT%TZ)" | tee "$log"
CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1} FUZZ_SEED=$seed FUZZ_CASES=1000000000 \
  FUZZ_SECONDS=$seconds nice -n 19 \
  cargo test --release --test fuzz_eval -- --test-threads=1 --nocapture 2>&1 | tee -a "$log"
echo "ended $(date -u +%FT%TZ)" | tee -a "$log"
