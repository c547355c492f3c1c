#!/usr/bin/env python3
"""Prints, as a Markdown table, the types per placement kind of each generated
file (before corrections), the global/account types whose holds_data is
true / false / not known, and the file sizes: python3 tools/catalogue/stats.py"""
import os
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.normpath(os.path.join(HERE, "..", "..", "rules", "providers", "generated"))
KINDS = ["own", "default", "parent", "provider", "global", "account"]
ORDER = ["aws", "azurerm", "google", "google-beta", "ovh", "scaleway", "outscale", "openstack", "oci", "alicloud", "ibm"]


def main():
    print("| provider | types | " + " | ".join(KINDS) + " | holds data y / n / ? | size |")
    print("| --- | --- | " + " | ".join("---" for _ in KINDS) + " | --- | --- |")
    total = {k: 0 for k in KINDS}
    n = size = 0
    for name in ORDER:
        path = os.path.join(GEN, name + ".toml")
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        count = {k: 0 for k in KINDS}
        held = [0, 0, 0]
        for e in data["types"].values():
            count[e["kind"]] += 1
            if e["kind"] in ("global", "account"):
                h = e.get("holds_data")
                held[0 if h is True else 1 if h is False else 2] += 1
        for k in KINDS:
            total[k] += count[k]
        n += len(data["types"])
        b = os.path.getsize(path)
        size += b
        print(f"| {data['provider']} {data['provider_version']} | {len(data['types'])} | "
              + " | ".join(str(count[k]) for k in KINDS) + f" | {held[0]} / {held[1]} / {held[2]} | {round(b / 1000)} KB |")
    print(f"| total | {n} | " + " | ".join(str(total[k]) for k in KINDS) + f" | | {round(size / 1000)} KB |")


if __name__ == "__main__":
    main()
