#!/bin/sh
# Checks gruntwork-io's terragrunt-infrastructure-live-stacks-example (a
# checkout, never modified nor committed), without network:
#
#   tools/terragrunt/live-stacks-example.sh BINARY STACKS [CATALOG]
#
# Its stacks are not generated (no .terragrunt-stack/: `terragrunt stack
# generate` would fetch the catalog over the network). Without CATALOG (a
# checkout of gruntwork-io/terragrunt-infrastructure-catalog-example), every
# unit a stack declares must be one CRC003 naming its source, and counted in
# the summary. With it, mapped by one [[source]], every unit must be checked
# where it would be generated: its resources in us-east-1 (region.hcl ->
# root.hcl generate -> provider), no CRC003. Exits non-zero when not.
set -eu
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
stacks="$2"
catalog="${3:-}"
if [ -n "$catalog" ]; then
  catalog="$(cd "$catalog" && pwd)"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$stacks" "$work/stacks"
cd "$work/stacks"
declared=$(grep -h '^unit ' $(find . -name terragrunt.stack.hcl) | wc -l)
"$bin" check . --format json > "$work/unmapped.json" || true
if [ -n "$catalog" ]; then
  printf '[[source]]\nremote = "github.com/gruntwork-io/terragrunt-infrastructure-catalog-example"\nlocal = "%s"\n' "$catalog" > cercle.toml
  "$bin" check . --format json > "$work/mapped.json" || true
  "$bin" inventory . --format json > "$work/inventory.json"
fi
python3 - "$work" "$declared" "$catalog" <<'PY'
import json, os, sys
from collections import Counter
work, declared, catalog = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = json.load(open(os.path.join(work, "unmapped.json")))
said = [f for f in d["findings"] if f["code"] == "CRC003" and "is not checked" in f["message"]]
print(f"without mapping: {declared} units declared, {len(said)} CRC003, summary units {d['summary'].get('units')}, {d['summary']['resources']} resources")
assert declared > 0 and len(said) == declared and d["summary"].get("units") == declared, "a unit is silent"
if catalog:
    m = json.load(open(os.path.join(work, "mapped.json")))
    inv = json.load(open(os.path.join(work, "inventory.json")))
    crc003 = [f for f in m["findings"] if f["code"] == "CRC003"]
    roots = Counter(r["root"] for r in inv["resources"])
    regions = Counter(tuple(r["regions"]) for r in inv["resources"])
    chained = sum(1 for r in inv["resources"]
                  if any("region.hcl" in (o.get("file") or "") for o in r.get("origins", [])))
    print(f"with mapping: summary units {m['summary'].get('units')}, {len(inv['resources'])} resources in {len(roots)} units, regions {dict(regions)}, {chained} with region.hcl in their origins, {len(crc003)} CRC003")
    for root, n in sorted(roots.items()):
        print(f"  {root}: {n}")
    assert m["summary"].get("units") == declared and len(roots) == declared and not crc003
PY
