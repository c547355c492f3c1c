#!/bin/sh
# Prints the sha256 of every report format on fixtures/ and on the bench corpus,
# so that a refactoring can be checked byte for byte:
#
#   tools/report-hashes.sh [BINARY] [CORPUS]   > before.txt
#   ... change ...
#   tools/report-hashes.sh [BINARY] [CORPUS]   > after.txt; diff before.txt after.txt
#
# BINARY defaults to target/release/cercle, CORPUS to /tmp/cercle-corpus
# (made by benches/generate.sh). Run from the repository root.
set -u
bin="${1:-target/release/cercle}"
corpus="${2:-/tmp/cercle-corpus}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
run() {
  name="$1"; shift
  "$bin" "$@" > "$out/$name" 2> "$out/$name.err"
  code=$?
  echo "$(sha256sum < "$out/$name" | cut -c1-16) exit=$code $name"
}
for t in 1 2; do
  for f in json sarif human github junit; do
    run "fixtures-check-$f-t$t" check fixtures/ --format "$f" --threads "$t" --no-color --quiet
  done
  for f in json human; do
    run "fixtures-inventory-$f-t$t" inventory fixtures/ --format "$f" --threads "$t"
  done
  # Each fixture alone, in the human format (per-fixture context).
  for d in fixtures/*/; do
    "$bin" check "$d" --no-color --quiet --threads "$t"
  done > "$out/each-t$t" 2>&1
  echo "$(sha256sum < "$out/each-t$t" | cut -c1-16) fixtures-each-human-t$t"
  if [ -d "$corpus" ]; then
    for f in json sarif human; do
      run "corpus-check-$f-t$t" check "$corpus" --format "$f" --threads "$t" --no-color --quiet --tier sensible
    done
    run "corpus-inventory-json-t$t" inventory "$corpus" --format json --threads "$t"
  fi
done
