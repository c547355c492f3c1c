"""Reads the resource schemas of a @cdktf/provider-* npm package.

Each resource is `lib/<resource>/index.d.ts` (large ones split into
`index-structs/*.d.ts`): a `static readonly tfResourceType = "<type>"`, an
interface `<Name>Config extends cdktf.TerraformMetaArguments` holding the
top-level arguments, and one interface per nested block. Every argument has a
doc comment with its description and a registry link ending in
`#<snake_case_name>`, which gives the Terraform name.
"""
import glob
import json
import os
import re

PROP = re.compile(r"/\*\*(?P<doc>(?:(?!\*/).)*?)\*/\s*readonly (?P<name>\w+)(?P<opt>\??): (?P<type>[^;]+);", re.S)
IFACE = re.compile(r"export interface (\w+)(?: extends ([\w.]+))? \{(.*?)\n\}", re.S)
LINK = re.compile(r"\{@link https://registry\.terraform\.io/providers/[^ ]+?#(\w+) [^}]*\}")
TFTYPE = re.compile(r'static readonly tfResourceType = "([^"]+)"')
VERSION = re.compile(r"registry\.terraform\.io/providers/([\w-]+/[\w-]+)/(\d+\.\d+\.\d+)/")


class Arg:
    __slots__ = ("name", "required", "type", "doc", "block")

    def __init__(self, name, required, type_, doc, block):
        self.name, self.required, self.type, self.doc, self.block = name, required, type_, doc, block


def clean_doc(doc):
    lines = []
    for ln in doc.splitlines():
        ln = ln.strip().lstrip("*").strip()
        if ln.startswith("Docs at Terraform Registry") or ln.startswith("Note: The above comment"):
            continue
        lines.append(ln)
    return " ".join(l for l in lines if l).strip()


def parse_interfaces(text):
    out = {}
    for m in IFACE.finditer(text):
        name, extends, body = m.group(1), m.group(2), m.group(3)
        props = []
        for p in PROP.finditer(body):
            link = LINK.search(p.group("doc"))
            snake = link.group(1) if link else re.sub(r"([A-Z])", r"_\1", p.group("name")).lower()
            props.append((snake, p.group("opt") != "?", p.group("type").strip(), clean_doc(p.group("doc"))))
        out[name] = (extends, props)
    return out


def load_resource(dir_):
    files = [os.path.join(dir_, "index.d.ts")] + sorted(glob.glob(os.path.join(dir_, "**", "*.d.ts"), recursive=True))
    text = ""
    seen = set()
    for f in files:
        if f in seen or not os.path.exists(f):
            continue
        seen.add(f)
        with open(f, encoding="utf-8") as fh:
            text += fh.read() + "\n"
    m = TFTYPE.search(text)
    if not m:
        return None
    tftype = m.group(1)
    ifaces = parse_interfaces(text)
    config = next((n for n, (ext, _) in ifaces.items() if ext == "cdktf.TerraformMetaArguments"), None)
    if config is None:
        return None

    def build(iface, depth):
        args = {}
        for snake, req, ty, doc in ifaces.get(iface, (None, []))[1]:
            block = None
            base = re.sub(r"\[\]|\| cdktf\.IResolvable|\s", "", ty)
            if depth < 4 and base in ifaces and base != iface:
                block = build(base, depth + 1)
            args[snake] = Arg(snake, req, ty, doc, block)
        return args

    return tftype, build(config, 0)


def load_package(pkg_dir):
    """(provider source, provider version, npm name@version, {type: args})."""
    with open(os.path.join(pkg_dir, "package.json"), encoding="utf-8") as fh:
        pkg = json.load(fh)
    with open(os.path.join(pkg_dir, "lib", "provider", "index.d.ts"), encoding="utf-8") as fh:
        vm = VERSION.search(fh.read())
    source, version = vm.group(1), vm.group(2)
    types = {}
    for d in sorted(os.listdir(os.path.join(pkg_dir, "lib"))):
        full = os.path.join(pkg_dir, "lib", d)
        if not os.path.isdir(full) or d.startswith("data-") or d in ("provider", "lazy-index"):
            continue
        r = load_resource(full)
        if r:
            types[r[0]] = r[1]
    return source, version, f"{pkg['name']}@{pkg['version']}", types
