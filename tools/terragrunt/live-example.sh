#!/bin/sh
# Checks gruntwork-io's terragrunt-infrastructure-live-example next to a
# checkout of its modules example (issue 14), without network:
#
#   tools/terragrunt/live-example.sh BINARY LIVE MODULES
#
# LIVE and MODULES are checkouts (directories) of
# github.com/gruntwork-io/terragrunt-infrastructure-live-example and
# github.com/gruntwork-io/terragrunt-infrastructure-modules-example. They are
# copied side by side into a temporary directory (never modified). Checks:
#   1. without [[source]]: one CRC003 per unit, and a non-zero unit count;
#   2. with one [[source]]: every resource of every unit placed in us-east-1,
#      its origins running through region.hcl and root.hcl.
# Prints the numbers; exits non-zero when a check fails.
set -eu
bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
live="$2"
mods="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$live" "$work/live"
cp -R "$mods" "$work/terragrunt-infrastructure-modules-example"
cd "$work/live"
rm -f cercle.toml
"$bin" check . --format json > "$work/without.json" || true
python3 - "$work/without.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
units = s.get("units", 0)
unresolved = [f for f in d["findings"] if f["code"] == "CRC003" and "Terragrunt unit" in f["message"]]
print(f"without [[source]]: {units} units, {len(unresolved)} CRC003 (one per unit), {s['resources']} resources")
assert units > 0, "no unit counted"
assert len(unresolved) == units, "not one CRC003 per unit"
PY
cat > cercle.toml <<'TOML'
[[source]]
remote = "git::git@github.com:gruntwork-io/terragrunt-infrastructure-modules-example.git"
local = "../terragrunt-infrastructure-modules-example"
TOML
"$bin" check . --format json > "$work/with.json" || true
"$bin" inventory . --format json > "$work/inventory.json"
python3 - "$work/with.json" "$work/inventory.json" <<'PY'
import json, sys
check = json.load(open(sys.argv[1]))
inv = json.load(open(sys.argv[2]))
res = inv["resources"]
roots = sorted({r["root"] for r in res})
bad = [r for r in res if r["regions"] != ["us-east-1"]]
chain = [r for r in res
         if any(o["file"].endswith("region.hcl") for o in r["origins"])
         and any(o["file"] == "root.hcl" and "region of provider" in o["message"] for o in r["origins"])]
unresolved = [f for f in check["findings"] if f["code"] == "CRC003"]
s = check["summary"]
print(f"with [[source]]: {s.get('units', 0)} units, {len(roots)} roots with resources, "
      f"{len(res)} resources, {len(res) - len(bad)} in us-east-1, "
      f"{len(chain)} with the chain region.hcl -> root.hcl generate -> provider, "
      f"{len(unresolved)} CRC003")
assert len(roots) == s.get("units", 0), "a unit has no resource"
assert not bad, f"not in us-east-1: {[(r['root'], r['address']) for r in bad]}"
assert len(chain) == len(res), "a resource without the chain"
PY
