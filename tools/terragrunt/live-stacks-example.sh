#!/bin/sh
# Checks gruntwork-io's terragrunt-infrastructure-live-stacks-example (a
# checkout, never modified nor committed), without network:
#
#   tools/terragrunt/live-stacks-example.sh BINARY STACKS
#
# Its stacks are not generated (no .terragrunt-stack/: `terragrunt stack
# generate` would fetch the catalog over the network), so nothing can be
# placed; the check is that this is said, one CRC003 per stack file, instead
# of a silent "0 files". Exits non-zero when it is not.
set -eu
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
stacks="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$stacks" "$work/stacks"
cd "$work/stacks"
n=$(find . -name terragrunt.stack.hcl | wc -l)
"$bin" check . --format json > "$work/out.json" || true
python3 - "$work/out.json" "$n" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
said = [f for f in d["findings"] if f["code"] == "CRC003" and "is not generated" in f["message"]]
print(f"{n} stack files, {len(said)} CRC003 'not generated', {d['summary']['resources']} resources")
for f in said:
    print("  " + f["message"])
assert n > 0 and len(said) == n, "a stack is silent"
PY
