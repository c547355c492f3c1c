//! The shape of the code (ARCHITECTURE.md): no import cycle between the files
//! of `src/`, nor between its top-level modules (folders and lone files); no
//! function over 120 lines; `main.rs` under 250 lines; `unsafe` only in
//! `src/sys/`.
//!
//! Imports are read from the text: every `crate::a::b` path (in `use` lines,
//! `use crate::{a, b::c}` groups and paths in code) and every `super::` path,
//! resolved to the file that defines the longest matching module. A file's
//! unit tests (`#[cfg(test)] mod tests` at its end) are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/` but `main.rs`, by module path
/// (`eval::funcs` for `src/eval/funcs/mod.rs`; `` for `lib.rs`).
fn modules() -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix("src").unwrap().with_extension("");
                let mut parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
                    parts.pop();
                }
                if parts == ["main"] {
                    continue;
                }
                out.insert(parts.join("::"), p);
            }
        }
    }
    out
}

/// The text without comments, string and char literals (kept as blanks),
/// so that a path in a doc comment or a message is not an import.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b[i] == b'r' && (b[i..].starts_with(b"r\"") || b[i..].starts_with(b"r#")) {
            let mut j = i + 1;
            let mut hashes = 0;
            while j < b.len() && b[j] == b'#' {
                hashes += 1;
                j += 1;
            }
            if j < b.len() && b[j] == b'"' {
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                j += 1;
                while j < b.len() && !b[j..].starts_with(&close) {
                    j += 1;
                }
                i = j + close.len();
                out.push_str("\"\"");
            } else {
                out.push('r');
                i += 1;
            }
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\''
            && i + 2 < b.len()
            && (b[i + 2] == b'\'' || (b[i + 1] == b'\\' && b[i + 3..].contains(&b'\'')))
        {
            // A char literal ('a', '\n', '\u{..}'), not a lifetime.
            let mut j = i + 1;
            if b[j] == b'\\' {
                j += 1;
            }
            while j < b.len() && b[j] != b'\'' {
                j += 1;
            }
            i = j + 1;
            out.push_str("' '");
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The module paths a file names: `crate::` paths (brace groups expanded)
/// and `super::` paths, made absolute.
fn paths_named(module: &str, is_mod_file: bool, code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", {
            let mut m: Vec<String> = module
                .split("::")
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            // `super` in a mod.rs/lib.rs is the parent module; in a leaf file too
            // (the file is the module): both drop one segment.
            let _ = is_mod_file;
            m.pop();
            m
        }),
    ] {
        let mut start = 0;
        while let Some(k) = code[start..].find(prefix) {
            let at = start + k;
            start = at + prefix.len();
            if at > 0 && code[..at].chars().next_back().is_some_and(ident) {
                continue;
            }
            expand(&code[start..], base.clone(), &mut out);
        }
    }
    out
}

/// Reads `a::b::{c, d::e}` at the start of `rest`, pushing every full path.
fn expand(rest: &str, base: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = base;
    let mut s = rest;
    loop {
        let s2 = s.trim_start();
        let n = s2
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s2.len());
        if n > 0 {
            let seg = &s2[..n];
            if seg == "self" {
                out.push(path.clone());
                return;
            }
            if seg == "super" {
                path.pop();
            } else {
                path.push(seg.to_string());
            }
            s = &s2[n..];
            if let Some(r) = s.strip_prefix("::") {
                s = r;
                continue;
            }
            out.push(path);
            return;
        }
        if let Some(r) = s2.strip_prefix('{') {
            // Split the group at top-level commas.
            let mut depth = 0;
            let mut item = 0;
            let bytes = r.as_bytes();
            let mut end = r.len();
            for (i, &c) in bytes.iter().enumerate() {
                match c {
                    b'{' => depth += 1,
                    b'}' if depth == 0 => {
                        end = i;
                        break;
                    }
                    b'}' => depth -= 1,
                    b',' if depth == 0 => {
                        expand(&r[item..i], path.clone(), out);
                        item = i + 1;
                    }
                    _ => {}
                }
            }
            if !r[item..end].trim().is_empty() {
                expand(&r[item..end], path.clone(), out);
            }
            return;
        }
        if s2.starts_with('*') {
            out.push(path);
        }
        return;
    }
}

/// The module (a key of `mods`) a path lands in: its longest prefix that is
/// a module.
fn resolve(path: &[String], mods: &BTreeMap<String, PathBuf>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| mods.contains_key(m))
}

/// File-level import edges.
fn edges() -> (
    BTreeMap<String, PathBuf>,
    BTreeMap<String, BTreeSet<String>>,
) {
    let mods = modules();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, path) in &mods {
        let text = std::fs::read_to_string(path).unwrap();
        let is_mod = path.ends_with("mod.rs") || path.ends_with("lib.rs");
        let mut code = code_only(&text);
        // A file's unit tests (at its end, by convention) are not its design.
        if let Some(k) = code.find("#[cfg(test)]\nmod ") {
            code.truncate(k);
        }
        let e = edges.entry(m.clone()).or_default();
        for p in paths_named(m, is_mod, &code) {
            if let Some(t) = resolve(&p, &mods)
                && &t != m
                && !t.is_empty()
            {
                e.insert(t);
            }
        }
    }
    (mods, edges)
}

/// Strongly connected components with more than one member (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct St<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        on: BTreeSet<&'a str>,
        stack: Vec<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut St<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on.insert(v);
        if let Some(ws) = s.edges.get(v) {
            for w in ws {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let l = s.low[w].min(s.low[v]);
                    s.low.insert(v, l);
                } else if s.on.contains(w) {
                    let l = s.index[w].min(s.low[v]);
                    s.low.insert(v, l);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = St {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on: BTreeSet::new(),
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_import_cycle_between_files() {
    let (_, edges) = edges();
    let found = cycles(&edges);
    assert!(
        found.is_empty(),
        "import cycles between files of src/ (each line: files that import each other, directly or not):\n{}",
        found
            .iter()
            .map(|c| c.join(" <-> "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn no_import_cycle_between_folders() {
    let (_, edges) = edges();
    let top = |m: &str| m.split("::").next().unwrap_or("").to_string();
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in &edges {
        let f = top(from);
        let e = folders.entry(f.clone()).or_default();
        for t in tos {
            if top(t) != f {
                e.insert(top(t));
            }
        }
    }
    let found = cycles(&folders);
    assert!(
        found.is_empty(),
        "import cycles between the top-level modules of src/:\n{}",
        found
            .iter()
            .map(|c| c.join(" <-> "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// `(file, first line, length)` of every function over `max` lines.
fn long_functions(max: usize) -> Vec<(PathBuf, usize, usize)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = modules().into_values().collect();
    files.push(PathBuf::from("src/main.rs"));
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_start();
            let indent = l.len() - t.len();
            let head = t
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub(super) ")
                .trim_start_matches("pub ")
                .trim_start_matches("const ")
                .trim_start_matches("unsafe ");
            if !head.starts_with("fn ") {
                continue;
            }
            // The body ends at the first line that closes at the same indent.
            let close = " ".repeat(indent) + "}";
            if let Some(end) = (i + 1..lines.len()).find(|&j| lines[j].starts_with(&close)) {
                let n = end - i + 1;
                if n > max {
                    out.push((path.clone(), i + 1, n));
                }
            }
        }
    }
    out
}

#[test]
fn no_function_over_120_lines() {
    let long = long_functions(120);
    assert!(
        long.is_empty(),
        "functions over 120 lines:\n{}",
        long.iter()
            .map(|(p, l, n)| format!("{}:{l}: {n} lines", p.display()))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn main_is_small() {
    let n = std::fs::read_to_string("src/main.rs")
        .unwrap()
        .lines()
        .count();
    assert!(n < 250, "src/main.rs has {n} lines (under 250 wanted)");
}

#[test]
fn unsafe_only_in_sys() {
    for (_, path) in modules() {
        if path.starts_with(Path::new("src/sys")) {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&path).unwrap());
        assert!(
            !code.contains("unsafe ") && !code.contains("unsafe{"),
            "{} uses unsafe: only src/sys/ may",
            path.display()
        );
    }
}

#[test]
fn the_checker_sees_what_it_should() {
    // A path in a brace group, a super path and a path in a comment.
    let code = code_only(
        "use crate::{a::b, c};\n// crate::d\nfn f() { super::e::f(); let s = \"crate::g\"; }",
    );
    let mut got = paths_named("x::y", false, &code);
    got.sort();
    let want: Vec<Vec<String>> = vec![
        vec!["a".into(), "b".into()],
        vec!["c".into()],
        vec!["x".into(), "e".into(), "f".into()],
    ];
    assert_eq!(got, want);
    let mut e = BTreeMap::new();
    e.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    e.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycles(&e), vec![vec!["a".to_string(), "b".to_string()]]);
}
