"""Reads resource arguments from a provider repository's Markdown docs.

The repository is a work tree or a bare git directory (read at HEAD with
`git show`). Each resource page is `docs/resources/<name>.md` or
`website/docs/r/<name>.html.markdown`; its `## Argument Reference` section lists
arguments as `* \`name\` - (Required) description`, nested blocks by
indentation or under a paragraph such as "The `nodes` block supports:".
"""
import os
import re
import subprocess

from cdktf import Arg

BULLET = re.compile(r"^(?P<indent>\s*)[*-]\s+`(?P<name>[\w.]+)`\s*(?:[-:–]\s*)?(?P<rest>.*)$")
BLOCK_INTRO = re.compile(r"^\s*(?:#+\s*)?(?:The\s+)?`?(?P<name>\w+)`?\s+(?:block|object|argument|configuration block)?\s*(?:supports|contains|has|arguments)\b", re.I)
HEAD = re.compile(r"^(#+)\s*(.*)$")


class Repo:
    def __init__(self, path):
        self.path = path
        self.bare = not os.path.isdir(os.path.join(path, ".git")) and os.path.exists(os.path.join(path, "HEAD"))

    def git(self, *args):
        return subprocess.run(["git", "--git-dir" if self.bare else "-C", self.path if self.bare else self.path, *args],
                              check=True, capture_output=True, text=True).stdout

    def commit(self):
        return self.git("rev-parse", "HEAD").strip()

    def tag(self):
        try:
            return self.git("describe", "--tags", "--abbrev=0").strip()
        except subprocess.CalledProcessError:
            return ""

    def list(self, folder):
        out = self.git("ls-tree", "--name-only", "HEAD", folder.rstrip("/") + "/")
        return [l for l in out.splitlines() if l]

    def read(self, path):
        return self.git("show", f"HEAD:{path}")


def parse_schema(lines):
    """tfplugindocs pages: `## Schema`, `### Required` / `### Optional` /
    `### Read-Only`, `### Nested Schema for \`a.b\``, bullets
    `- \`name\` (String) description`."""
    top = {}
    cur, required, skip = top, False, False
    for l in lines:
        m = HEAD.match(l)
        if m:
            h = m.group(2)
            n = re.search(r"Nested Schema for `([\w.]+)`", h)
            if n:
                cur = top
                for part in n.group(1).split("."):
                    a = cur.setdefault(part, Arg(part, False, "block", "", {}))
                    if a.block is None:
                        a.block = {}
                    cur = a.block
                required, skip = False, False
            elif re.match(r"Required", h):
                required, skip = True, False
            elif re.match(r"Optional", h):
                required, skip = False, False
            elif re.match(r"Read-Only", h):
                skip = True
            elif len(m.group(1)) <= 2 and not re.match(r"Schema", h):
                skip = True
            continue
        b = BULLET.match(l)
        if b and not skip and not b.group("indent"):
            name = b.group("name")
            if name not in cur:
                cur[name] = Arg(name, required, "", b.group("rest"), None)
            else:
                cur[name].required = cur[name].required or required
                cur[name].doc = cur[name].doc or b.group("rest")
    return top


def parse_arguments(text):
    """{name: Arg} of the Argument Reference section (nested blocks as .block)."""
    lines = text.splitlines()
    if not any(HEAD.match(l) and re.match(r"`?arguments?\b", HEAD.match(l).group(2), re.I) for l in lines) and any(l.strip() == "## Schema" for l in lines):
        top = parse_schema(lines[[l.strip() for l in lines].index("## Schema"):])
        for a in list(top.values()):
            if a.block == {}:
                a.block = None
        return top
    start = None
    for i, l in enumerate(lines):
        m = HEAD.match(l)
        if m and re.match(r"`?arguments?\b", m.group(2), re.I):
            start = i + 1
            level = len(m.group(1))
            break
    if start is None:
        return {}
    top = {}
    stack = [(-1, top)]  # (indent, dict)
    section_required = False
    block_ctx = None  # dict of a block introduced by a paragraph
    last_at_indent = {}
    for l in lines[start:]:
        m = HEAD.match(l)
        if m and len(m.group(1)) <= level:
            if re.search(r"attribute|import|timeouts", m.group(2), re.I):
                break
            continue
        if m and re.match(r"(Required|Optional)\b", m.group(2)):
            section_required = m.group(2).startswith("Required")
            continue
        if m and re.match(r"Read-Only", m.group(2)):
            break
        if m:  # sub-heading: "### nodes" or "### `nodes` block"
            nm = re.search(r"`?(\w+)`?", m.group(2))
            if nm and nm.group(1) in top and top[nm.group(1)].block is not None:
                block_ctx = top[nm.group(1)].block
            elif nm and re.search(r"block|argument|config", m.group(2), re.I) and nm.group(1).lower() not in ("argument", "arguments"):
                a = top.setdefault(nm.group(1), Arg(nm.group(1), False, "block", "", {}))
                if a.block is None:
                    a.block = {}
                block_ctx = a.block
            continue
        b = BULLET.match(l)
        if not b:
            intro = BLOCK_INTRO.match(l)
            if intro and l.strip() and not l.strip().startswith(("*", "-")):
                name = intro.group("name")
                target = find(top, name)
                if target is not None:
                    if target.block is None:
                        target.block = {}
                    block_ctx = target.block
                    stack = [(-1, top)]
            continue
        indent = len(b.group("indent").replace("\t", "    "))
        name = b.group("name").split(".")[-1]
        rest = b.group("rest")
        required = bool(re.match(r"\(\s*Required", rest, re.I)) or (section_required and not re.match(r"\(\s*Optional", rest, re.I))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if not stack:
            stack = [(-1, top)]
        parent = stack[-1][1]
        if indent == 0 and block_ctx is not None:
            parent = block_ctx
        if indent > 0 and len(stack) == 1:
            prev = last_at_indent.get("top")
            if prev is not None:
                if prev.block is None:
                    prev.block = {}
                parent = prev.block
                stack.append((0, parent))
        arg = Arg(name, required, "", rest, None)
        parent.setdefault(name, arg)
        if parent is top:
            last_at_indent["top"] = parent[name]
        # Children of this bullet are indented more.
        if parent[name].block is None:
            parent[name].block = {}
        stack.append((indent, parent[name].block))
    # Empty blocks are plain arguments.
    def prune(d):
        for a in d.values():
            if a.block is not None:
                prune(a.block)
                if not a.block:
                    a.block = None
    prune(top)
    if not top and any(l.strip() == "## Schema" for l in lines):
        return parse_arguments("\n".join(l for l in lines if not re.search(r"argument", l, re.I) or not HEAD.match(l)))
    return top


def find(args, name):
    if name in args:
        return args[name]
    for a in args.values():
        if a.block:
            f = find(a.block, name)
            if f is not None:
                return f
    return None


def registered_types(repo, prefix):
    """The resource types the provider's Go code registers: SDKv2
    `ResourcesMap` entries (`"prefix_x": pkg.ResourceX()`), OCI's
    `RegisterResource("oci_x", ...)`, and plugin-framework resources
    (`resp.TypeName = req.ProviderTypeName + "_x"` in a resource file).
    Best effort: a registration written another way is missed, which only
    means its page's file name is trusted."""
    out = set()
    pat = (r'"' + prefix + r'[a-z0-9_]+":\s*[A-Za-z_.]*[Rr]esource[A-Za-z0-9_]*\(|RegisterResource\("'
           + prefix + r'[a-z0-9_]+"|ProviderTypeName \+ "_[a-z0-9_]+"')
    try:
        grep = repo.git("grep", "-n", "-E", pat, "HEAD", "--", "*.go")
    except subprocess.CalledProcessError:
        return out
    for line in grep.splitlines():
        _, path, _, text = line.split(":", 3)
        if path.endswith("_test.go"):
            continue
        for m in re.finditer(r'"(' + prefix + r'[a-z0-9_]+)":\s*([A-Za-z_.]*[Rr]esource[A-Za-z0-9_]*)\(', text):
            ctor = m.group(2).lower()
            if "datasource" not in ctor and "validator" not in ctor:
                out.add(m.group(1))
        for m in re.finditer(r'RegisterResource\("(' + prefix + r'[a-z0-9_]+)"', text):
            out.add(m.group(1))
        m = re.search(r'ProviderTypeName \+ "_([a-z0-9_]+)"', text)
        if m:
            b = os.path.basename(path)
            if "resource" in b and not any(w in b for w in ("data", "ephemeral", "action", "list")):
                out.add(prefix + m.group(1))
    return out


def load_repo(path, folder, prefix):
    """(repo, {type: args}, {type: note}). A page's type is its file name
    (lower case, `-` as `_`), or the name in its title when only that one is
    registered by the code; registered types with no page get no arguments
    (None) and a note."""
    repo = Repo(path)
    registered = registered_types(repo, prefix)
    types, notes = {}, {}
    for f in repo.list(folder):
        base = os.path.basename(f)
        m = re.match(r"^(.*?)(?:\.html)?\.(?:md|markdown)$", base)
        if not m:
            continue
        name = m.group(1).lower().replace("-", "_")
        tftype = name if name.startswith(prefix) else prefix + name
        text = repo.read(f)
        if tftype not in registered:
            h = re.search(r"^#\s+(?:Resource:\s*)?`?(" + prefix + r"[\w-]+)`?", text, re.M) or \
                re.search(r"page_title:.*?\b(" + prefix + r"[\w-]+)", text)
            if h and h.group(1) in registered and h.group(1) not in types:
                tftype = h.group(1)
        if tftype in types:
            continue
        types[tftype] = parse_arguments(text)
    for t in sorted(registered - set(types)):
        types[t] = None
        notes[t] = "registered in the provider's code, no resource page"
    return repo, types, notes
