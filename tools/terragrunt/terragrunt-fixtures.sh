#!/bin/sh
# Checks the test fixtures of Terragrunt itself (a checkout of
# github.com/gruntwork-io/terragrunt, never modified nor committed): about
# 190 fixture trees, 1,100 terragrunt.hcl, 150 terragrunt.stack.hcl, JSON
# configurations, many broken on purpose or written for a harness that
# copies them into a git repository first. The check is that cercle reads
# them all without falling over, fast, and what it says of each kind.
#
#   tools/terragrunt/terragrunt-fixtures.sh BINARY TERRAGRUNT_CHECKOUT
set -eu
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$2"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
start=$(date +%s.%N)
"$bin" check test/fixtures --format json > "$out" 2>/dev/null || true
end=$(date +%s.%N)
python3 - "$out" "$start" "$end" <<'PY'
import json, re, sys
from collections import Counter
d = json.load(open(sys.argv[1]))
print(f"{float(sys.argv[3]) - float(sys.argv[2]):.2f} s, summary {d['summary']}")
kinds = Counter()
for f in d["findings"]:
    m = re.sub(r"/\S*|test/fixtures\S*", "PATH", f["message"])
    m = re.sub(r'"[^"]*"', "Q", m)
    m = re.sub(r"\([^)]*\)", "(..)", m)
    kinds[(f["code"], m[:80])] += 1
for (code, m), n in kinds.most_common(25):
    print(f"{n:4} {code} {m}")
PY
