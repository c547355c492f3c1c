#!/usr/bin/env python3
"""Checks the generated type catalogue and its corrections, without network.

  check.py                 # the committed files only (what CI runs)
  check.py --schemas DIR   # also: the generated type lists are exactly the
                           # resource types of the cdktf packages in DIR
                           # (DIR/node_modules/@cdktf/provider-*)
  check.py --repo ovh=PATH ...  # also: every resource type the provider's code
                           # registers at PATH has an entry (docs-based files)

Asserts: every provider of issue 13 has a generated file; every type in it has
exactly one placement kind, with the fields that kind needs and no others;
parent types exist; every `why` is defined; every correction names a source
that exists and a type of its provider; regions have a country and a
jurisdiction. Exits 1 on the first file with errors (all errors printed).
"""
import os
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
GEN = os.path.join(ROOT, "rules", "providers", "generated")
COR = os.path.join(ROOT, "rules", "providers", "corrections")

# The providers issue 13 lists, by generated file name.
PROVIDERS = {
    "aws": "hashicorp/aws", "azurerm": "hashicorp/azurerm", "google": "hashicorp/google",
    "google-beta": "hashicorp/google-beta", "ovh": "ovh/ovh", "scaleway": "scaleway/scaleway",
    "outscale": "outscale/outscale", "openstack": "terraform-provider-openstack/openstack",
    "oci": "oracle/oci", "alicloud": "aliyun/alicloud", "ibm": "IBM-Cloud/ibm",
}
KINDS = {
    # kind: (required fields, allowed fields)
    "own": ({"location"}, {"location", "required"}),
    "default": ({"location", "default"}, {"location", "default"}),
    "parent": ({"parent", "parent_types"}, {"location", "parent", "parent_types", "parent_name_attr", "fallback"}),
    "provider": (set(), {"location", "why"}),
    "global": (set(), {"holds_data", "why"}),
    "account": (set(), {"holds_data", "why"}),
}
HEADER = {"provider", "provider_version", "source_ref", "schema", "type_count"}


def load(path):
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def check_entry(ty, e, known_types, whys, errors, correction=False):
    kind = e.get("kind")
    if kind not in KINDS:
        errors.append(f"{ty}: kind {kind!r} is not one of {sorted(KINDS)}")
        return
    need, allowed = KINDS[kind]
    allowed = allowed | {"kind"} | ({"source_ref", "regions_from"} if correction else set())
    for f in need:
        if not e.get(f):
            errors.append(f"{ty}: kind {kind} needs {f}")
    for f in e:
        if f not in allowed:
            errors.append(f"{ty}: kind {kind} takes no {f}")
    for f in ("location", "parent", "parent_types"):
        if f in e and not (isinstance(e[f], list) and all(isinstance(x, str) and x for x in e[f])):
            errors.append(f"{ty}: {f} must be a list of names")
    for p in e.get("location", []) + e.get("parent", []):
        if not all(part.isidentifier() for part in p.split(".")):
            errors.append(f"{ty}: {p!r} is not a path of blocks and an argument")
    for t in e.get("parent_types", []):
        if t != "*" and t not in known_types:
            errors.append(f"{ty}: parent type {t} is not a type of this provider")
    if "parent_name_attr" in e and e["parent_name_attr"] not in ("id", "name"):
        errors.append(f"{ty}: parent_name_attr must be id or name")
    if "fallback" in e and e["fallback"] != "provider":
        errors.append(f"{ty}: fallback can only be \"provider\"")
    if "holds_data" in e and not isinstance(e["holds_data"], bool):
        errors.append(f"{ty}: holds_data must be true or false")
    if "required" in e and e["required"] is not False:
        errors.append(f"{ty}: required is written only when false")
    if "default" in e and not isinstance(e["default"], str):
        errors.append(f"{ty}: default must be a string")
    if "why" in e and not correction and e["why"] not in whys:
        errors.append(f"{ty}: why {e['why']!r} is not in [why]")


def schema_types(schemas, name):
    lib = os.path.join(schemas, "node_modules", "@cdktf", f"provider-{name}", "lib")
    sys.path.insert(0, HERE)
    import cdktf
    out = set()
    for d in os.listdir(lib):
        full = os.path.join(lib, d)
        if os.path.isdir(full) and not d.startswith("data-") and d not in ("provider", "lazy-index"):
            r = cdktf.load_resource(full)
            if r:
                out.add(r[0])
    return out


def main(argv):
    schemas = argv[argv.index("--schemas") + 1] if "--schemas" in argv else None
    repos = dict(argv[i + 1].split("=", 1) for i, a in enumerate(argv) if a == "--repo")
    sources = set(load(os.path.join(ROOT, "rules", "catalogue.toml"))["sources"])
    failed = False
    totals = {}
    types_of = {}
    for name, source in PROVIDERS.items():
        path = os.path.join(GEN, f"{name}.toml")
        errors = []
        if not os.path.exists(path):
            print(f"FAIL {name}: no generated file {path}")
            failed = True
            continue
        data = load(path)
        for h in HEADER:
            if h not in data:
                errors.append(f"header: no {h}")
        if data.get("provider") != source:
            errors.append(f"header: provider {data.get('provider')!r}, expected {source!r}")
        if data.get("source_ref") not in sources:
            errors.append(f"header: source_ref {data.get('source_ref')!r} is not a known source")
        types = data.get("types", {})
        if not isinstance(types, dict) or not types:
            errors.append("no [types]")
            types = {}
        whys = data.get("why", {})
        count = {k: 0 for k in KINDS}
        for ty, e in types.items():
            check_entry(ty, e, types, whys, errors)
            if e.get("kind") in count:
                count[e["kind"]] += 1
        if data.get("type_count") != len(types):
            errors.append(f"header says type_count = {data.get('type_count')}, the file has {len(types)} types")
        for k in whys:
            if not any(e.get("why") == k for e in types.values()):
                errors.append(f"[why] {k} is used by no type")
        if schemas and name in ("aws", "azurerm", "google", "google-beta"):
            want = schema_types(schemas, name)
            missing, extra = want - set(types), set(types) - want
            if missing:
                errors.append(f"{len(missing)} types of the schema are missing: {sorted(missing)[:10]}")
            if extra:
                errors.append(f"{len(extra)} types are not in the schema: {sorted(extra)[:10]}")
        if name in repos:
            sys.path.insert(0, HERE)
            import generate
            import mddocs
            reg = mddocs.registered_types(mddocs.Repo(repos[name]), generate.DOCS[name]["prefix"])
            missing = reg - set(types)
            if missing:
                errors.append(f"{len(missing)} registered types have no entry: {sorted(missing)[:10]}")
        types_of[name] = types
        totals[name] = count
        if errors:
            failed = True
            print(f"FAIL {name}: {len(errors)} errors")
            for e in errors[:50]:
                print("  " + e)
        else:
            print(f"ok   {name:12} {len(types):5} types: " + ", ".join(f"{k} {v}" for k, v in count.items()))
    for f in sorted(os.listdir(COR)):
        if not f.endswith(".toml"):
            continue
        name = f[:-5]
        errors = []
        data = load(os.path.join(COR, f))
        if name not in PROVIDERS:
            errors.append(f"{f}: not a provider of the generated catalogue")
        gen = types_of.get(name, {})
        for ty, e in data.get("types", {}).items():
            if ty not in gen:
                errors.append(f"{ty}: not a type of {name}")
            if e.get("source_ref") not in sources:
                errors.append(f"{ty}: source_ref {e.get('source_ref')!r} is not a known source")
            check_entry(ty, e, gen, {}, errors, correction=True)
        for r in data.get("region", []):
            for k in ("id", "name", "country", "jurisdiction", "source_ref"):
                if not r.get(k):
                    errors.append(f"region {r.get('id')}: no {k}")
            if r.get("source_ref") not in sources:
                errors.append(f"region {r.get('id')}: source_ref {r.get('source_ref')!r} is not a known source")
        for k in data:
            if k not in ("types", "region", "zone_rule"):
                errors.append(f"{f}: unknown key {k}")
        if errors:
            failed = True
            print(f"FAIL corrections/{f}")
            for e in errors:
                print("  " + e)
        else:
            print(f"ok   corrections/{f}: {len(data.get('types', {}))} types, {len(data.get('region', []))} regions")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
