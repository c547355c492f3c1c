#!/usr/bin/env python3
"""Placement audit of cercle against public module collections (issue 13).

Runs `cercle inventory --format json` on each collection listed in
collections.tsv (local checkouts, never committed: see README.md), sorts every
resource into one of three categories, draws a fixed-seed random sample per
category and writes it to sample.tsv. Verdicts judged by hand live in
verdicts.tsv; a sampled resource whose verdict is already there, for the same
answer of cercle, keeps it. A resource cercle now answers differently is
written with an empty verdict, to be judged again.

    tools/audit/audit.py BINARY SRC_DIR [--per-category 100] [--seed 13]

SRC_DIR holds one checkout per collection, named owner+name (the layout the
`fetch` tool and `git archive` give). Categories:

- placed: regions known, or an endpoint, or global / inert by the catalogue;
- unresolved: nothing placed and a reason given (CRC003);
- none: nothing placed and no reason.
"""
import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def collections():
    out = []
    with open(os.path.join(HERE, "collections.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, sub, source = line.rstrip("\n").split("\t")
            out.append((name, sub, source))
    return out


def category(r):
    if r["regions"] or r["endpoint"] or r["placement"] in ("global", "inert", "endpoint"):
        return "placed"
    if r["unresolved"]:
        return "unresolved"
    return "none"


def said(r):
    """What cercle said of a resource, in one line."""
    p = r["placement"]
    parts = [p]
    if r["regions"]:
        parts.append(",".join(r["regions"]))
    if r["endpoint"]:
        parts.append("endpoint " + r["endpoint"])
    if r["unresolved"]:
        parts.append("unresolved: " + str(r["unresolved"]).replace("\t", " ").replace("\n", " "))
    return " | ".join(parts)


def inventory(binary, path):
    p = subprocess.run(
        [binary, "inventory", path, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if not p.stdout:
        sys.stderr.write(f"{path}: no report (exit {p.returncode}): {p.stderr[:500]}\n")
        return []
    return json.loads(p.stdout)["resources"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("src")
    ap.add_argument("--per-category", type=int, default=100)
    ap.add_argument("--seed", type=int, default=13)
    a = ap.parse_args()
    rows = []
    totals = {}
    for name, sub, source in collections():
        root = os.path.join(a.src, source.replace("/", "+"))
        path = root if sub == "." else os.path.join(root, sub)
        if not os.path.isdir(path):
            sys.stderr.write(f"{name}: {path} is missing, skipped\n")
            continue
        # A sub-folder is read out of its repository: cercle honours the
        # repository's .gitignore, and some provider repositories ignore
        # `*.tf` (aliyun/terraform-provider-alicloud) although their examples
        # are committed. The copy lives under /tmp, never in the checkout.
        tmp = None
        if sub != ".":
            tmp = tempfile.mkdtemp(prefix="cercle-audit-")
            shutil.copytree(path, os.path.join(tmp, sub))
            res = inventory(a.binary, os.path.join(tmp, sub))
            shutil.rmtree(tmp)
        else:
            res = inventory(a.binary, path)
        for r in res:
            rel = os.path.relpath(r["file"], tmp or root)
            cat = category(r)
            totals.setdefault(name, {"placed": 0, "unresolved": 0, "none": 0})[cat] += 1
            rows.append((cat, source, f"{rel}:{r['line']}", r["address"], r["type"], said(r)))
    # One row per resource and answer (a module read from several roots gives
    # the same answer for the same code), in a fixed order before the draw:
    # the same inputs give the same sample.
    rows = sorted(set(rows))
    verdicts = {}
    vpath = os.path.join(HERE, "verdicts.tsv")
    if os.path.exists(vpath):
        with open(vpath) as f:
            for v in csv.DictReader(f, delimiter="\t"):
                verdicts[(v["repo"], v["location"], v["address"], v["cercle said"])] = v
    rng = random.Random(a.seed)
    out = []
    for cat in ("placed", "unresolved", "none"):
        pool = [r for r in rows if r[0] == cat]
        for r in rng.sample(pool, min(a.per_category, len(pool))):
            v = verdicts.get((r[1], r[2], r[3], r[5]), {})
            out.append(
                {
                    "category": cat,
                    "repo": r[1],
                    "location": r[2],
                    "address": r[3],
                    "type": r[4],
                    "cercle said": r[5],
                    "verdict": v.get("verdict", ""),
                    "why": v.get("why", ""),
                }
            )
    fields = ["category", "repo", "location", "address", "type", "cercle said", "verdict", "why"]
    spath = os.path.join(HERE, "sample.tsv")
    with open(spath, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    print("resources per collection (placed / unresolved / none):")
    for name, t in totals.items():
        print(f"  {name}: {t['placed']} / {t['unresolved']} / {t['none']}")
    all_t = {c: sum(t[c] for t in totals.values()) for c in ("placed", "unresolved", "none")}
    print(f"  all: {all_t['placed']} / {all_t['unresolved']} / {all_t['none']}")
    print("verdicts of the sample (correct / wrong / to judge):")
    for cat in ("placed", "unresolved", "none"):
        s = [o for o in out if o["category"] == cat]
        ok = sum(o["verdict"] == "correct" for o in s)
        bad = sum(o["verdict"] == "wrong" for o in s)
        print(f"  {cat}: {ok} / {bad} / {len(s) - ok - bad}")


if __name__ == "__main__":
    main()
